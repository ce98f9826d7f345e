import XCTest
@testable import RecurCompute

/// A GPU's launch paths (``OpenCLPaths/gpu``) on a device that is not a GPU, as CI's PoCL: the
/// switch takes a GPU's limits and launches, and the fused-loop and skinny-GEMM suites run again
/// on it (the kernel catalog does too, through `assertKernelChecksPass`). On a GPU the device's
/// own paths are these, so the repeats skip (`openCLBackend(paths:)`).
final class GPUPathsTests: XCTestCase {
    func testAGPUsLimitsAndLaunchesReplaceACPUDevicesOwn() throws {
        let gpu = try openCLBackend(paths: .gpu), own = try openCLBackend(paths: .device)
        XCTAssertEqual(gpu.device.identifier, own.device.identifier + "/gpu-paths")
        XCTAssertTrue(gpu.limits.isGPU)
        XCTAssertLessThanOrEqual(gpu.limits.localMemoryBytes, 48 * 1024)
        XCTAssertLessThanOrEqual(gpu.limits.maxWorkGroupSize, 1024)
        XCTAssertEqual(gpu.limits.maxWorkItemSizes.count, 3)
        XCTAssertLessThanOrEqual(gpu.limits.maxWorkItemSizes[0], 1024)
        XCTAssertEqual(gpu.limits.computeUnits, 132)
        XCTAssertLessThanOrEqual(try gpu.maxWorkGroupSize("lstm_loop_forward_local_tanh_sigmoid", in: "recurrent_loop"), 1024)

        // lstm-imdb's loop: a CPU device's row kernel, a GPU's work-groups within 1,024 items.
        let lstm = RecurrentCell(.lstm, units: 32)
        XCTAssertNotNil(own.rowKernelLaunch(lstm, batch: 128, backward: false))
        XCTAssertNil(gpu.rowKernelLaunch(lstm, batch: 128, backward: false))
        XCTAssertTrue(own.usesRowTiles(n: 128))
        XCTAssertFalse(gpu.usesRowTiles(n: 128))
        XCTAssertEqual(gpu.skinnyGEMMMaximumB, OpenCLBackend.skinnyGEMMMaximumBOnGPU)
        let a = try gpu.zeros(1), b = try gpu.zeros(1), c = try gpu.zeros(1)
        // stacked-simplernn's gradient over 2,560 rows: a CPU device splits it, a GPU leaves it to CLBlast.
        let short = GEMM(transposeA: true, m: 64, n: 64, k: 2560, a: a, b: b, c: c)
        XCTAssertNotNil(own.splitKPlan(short))
        XCTAssertNil(gpu.splitKPlan(short))
        // lstm-imdb's kernel gradient: split into several groups per compute unit of a GPU.
        let plan = try XCTUnwrap(gpu.splitKPlan(GEMM(transposeA: true, m: 32, n: 128, k: 64_000, a: a, b: b, c: c)))
        XCTAssertGreaterThan(plan.splits, try XCTUnwrap(own.splitKPlan(GEMM(transposeA: true, m: 32, n: 128, k: 64_000, a: a, b: b, c: c))).splits)
    }

    /// The kernel catalog's recurrent loops and skinny GEMMs on the GPU paths: the loops run as
    /// work-groups (none as row kernels, none step by step), both with the recurrent kernel in
    /// local memory and without, and the skinny GEMMs as the GPU's kernels.
    func testTheCatalogRunsTheGPUsKernels() throws {
        let gpu = try openCLBackend(paths: .gpu)
        let verifier = KernelVerifier()
        for check in KernelCatalog.recurrentLoops() + KernelCatalog.skinnyGEMM() {
            let result = verifier.run(check, on: gpu)
            XCTAssertTrue(result.passed, "\(check.name) \(check.shape): \(result.error ?? result.mismatches.joined(separator: "; "))")
        }
        let loops = gpu.recurrentLoopPaths
        XCTAssertEqual(loops.fusedRows, 0)
        XCTAssertEqual(loops.stepByStep, 0)
        XCTAssertGreaterThan(loops.fusedLocalWeights, 0)
        XCTAssertGreaterThan(loops.fusedGlobalWeights, 0)
        XCTAssertGreaterThan(gpu.skinnyGEMMs, 0)
    }
}

// The suites again on a GPU's paths, every test inherited. Test discovery on Linux passes over
// a subclass that declares no test of its own, so each names those that apply to a GPU; the
// others run too and skip: the row-kernel and register-tile tests (CPU devices only), and the
// one whose H = 64 weights need more local memory than a GPU's 48 KiB.

final class FusedRecurrentLoopGPUPathsTests: FusedRecurrentLoopTests {
    override var paths: OpenCLPaths { .gpu }

    override func testFusedLoopsMatchCPUForEveryCellDirectionMaskAndDropout() throws { try super.testFusedLoopsMatchCPUForEveryCellDirectionMaskAndDropout() }
    override func testGlobalWeightVariantMatchesCPU() throws { try super.testGlobalWeightVariantMatchesCPU() }
    override func testOtherActivationsTakeTheGenericKernelsAndMatchCPU() throws { try super.testOtherActivationsTakeTheGenericKernelsAndMatchCPU() }
    override func testOddSizesMatchCPU() throws { try super.testOddSizesMatchCPU() }
    override func testWorkGroupsNeedNotDivideTheBatch() throws { try super.testWorkGroupsNeedNotDivideTheBatch() }
    override func testForwardOnlySequencesAreFusedAndMatchCPU() throws { try super.testForwardOnlySequencesAreFusedAndMatchCPU() }
    override func testABrokenFusedKernelIsCaught() throws { try super.testABrokenFusedKernelIsCaught() }
}

final class SkinnyGEMMGPUPathsTests: SkinnyGEMMTests {
    override var paths: OpenCLPaths { .gpu }

    override func testSkinnyShapesMatchCPUAndRunTheSkinnyKernel() throws { try super.testSkinnyShapesMatchCPUAndRunTheSkinnyKernel() }
    override func testOtherShapesStayOnCLBlast() throws { try super.testOtherShapesStayOnCLBlast() }
    override func testALargeOperandRunsSkinnyOnlyWhereLocalMemoryHoldsIt() throws { try super.testALargeOperandRunsSkinnyOnlyWhereLocalMemoryHoldsIt() }
    override func testShortProductsOfDistinctTokensRunRegisterTilesOnACPUDevice() throws {
        try super.testShortProductsOfDistinctTokensRunRegisterTilesOnACPUDevice()
    }
    override func testABrokenWeightGradientReductionIsCaught() throws { try super.testABrokenWeightGradientReductionIsCaught() }
    override func testABrokenSkinnyKernelIsCaught() throws { try super.testABrokenSkinnyKernelIsCaught() }
    override func testCPUDevicesRunRegisterTiles() throws { try super.testCPUDevicesRunRegisterTiles() }
}
