import XCTest
import RecurKernels
@testable import RecurCompute

/// `gemm_skinny.cl` (tall A, op(B) in local memory) against the CPU reference: the catalog's
/// skinny shapes must pass and must really run the skinny kernel, the other GEMM shapes must stay
/// on CLBlast, and a broken kernel must fail the comparison. Run again on a GPU's paths by
/// ``SkinnyGEMMGPUPathsTests``.
class SkinnyGEMMTests: XCTestCase {
    /// The launch paths the suite's backends take.
    var paths: OpenCLPaths { .device }

    func openCL(sourceOverrides: [String: String] = [:]) throws -> OpenCLBackend {
        try openCLBackend(paths: paths, sourceOverrides: sourceOverrides)
    }

    func testSkinnyShapesMatchCPUAndRunTheSkinnyKernel() throws {
        let backend = try openCL()
        let verifier = KernelVerifier()
        for check in KernelCatalog.skinnyGEMM() {
            let before = backend.skinnyGEMMs
            let result = verifier.run(check, on: backend)
            XCTAssertTrue(result.passed, "\(check.name) \(check.shape): \(result.error ?? result.mismatches.joined(separator: "; "))")
            // The catalog's [301, 388] gradient is a C over the GPU kernel's limit: CLBlast's there.
            let clblast = backend.limits.isGPU && check.shape.hasPrefix("M=301 N=388 ")
            XCTAssertEqual(backend.skinnyGEMMs - before, clblast ? 0 : 1, "\(check.name) \(check.shape) ran \(clblast ? "gemm_skinny" : "CLBlast")")
        }
    }

    func testOtherShapesStayOnCLBlast() throws {
        let backend = try openCL()
        let a = try backend.zeros(4096 * 64), b = try backend.zeros(64 * 512), c = try backend.zeros(4096 * 512)
        let clblast = [
            GEMM(m: 100, n: 32, k: 32, a: a, b: b, c: c),                          // A too short
            GEMM(m: 4096, n: 512, k: backend.skinnyGEMMMaximumB / 512 + 1, a: a, b: b, c: c), // op(B) too large
            GEMM(m: 4096, n: 33, k: 32, a: a, b: b, c: c),                         // N not a multiple of 4
            GEMM(m: 2048, n: 8, k: 8, a: a, b: b, c: c, batch: 2, strideA: 64, strideB: 64, strideC: 64),
        ]
        for gemm in clblast {
            XCTAssertNil(backend.skinnyGEMMRows(gemm), "\(gemm.m)×\(gemm.n)×\(gemm.k)")
            XCTAssertNil(backend.splitKPlan(gemm), "\(gemm.m)×\(gemm.n)×\(gemm.k)")
        }
        XCTAssertNil(backend.splitKPlan(GEMM(transposeA: true, m: 32, n: 32, k: 200, a: a, b: b, c: c)), "K too short to split")
        let gradient = try XCTUnwrap(backend.splitKPlan(GEMM(transposeA: true, m: 32, n: 128, k: 64_000, a: a, b: b, c: c)),
                                     "lstm-imdb's kernel gradient")
        XCTAssertGreaterThanOrEqual(gradient.splits * gradient.slice, 64_000)
        XCTAssertLessThan((gradient.splits - 1) * gradient.slice, 64_000, "an empty split")
        XCTAssertNotNil(backend.skinnyGEMMRows(GEMM(m: 64_000, n: 32, k: 32, a: a, b: b, c: c)), "simplernn-imdb's input projection")
        XCTAssertNotNil(backend.skinnyGEMMRows(GEMM(transposeB: true, m: 64_000, n: 32, k: 128, a: a, b: b, c: c)), "lstm-imdb's input gradient")
    }

    /// A CPU device's local memory (PoCL: 1 MiB) holds a large op(B) whole — bilstm's input
    /// projection, [6400, 128] × [128, 256] — and the kernel must give CPU's answers with it; a
    /// GPU keeps its 32 KiB and leaves that shape to CLBlast.
    func testALargeOperandRunsSkinnyOnlyWhereLocalMemoryHoldsIt() throws {
        let backend = try openCL()
        let a = try backend.zeros(1), b = try backend.zeros(1), c = try backend.zeros(1)
        let bilstm = GEMM(m: 6400, n: 256, k: 128, a: a, b: b, c: c)
        if backend.limits.isGPU || backend.limits.localMemoryBytes < 256 * 128 * 4 {
            XCTAssertNil(backend.skinnyGEMMRows(bilstm))
            return
        }
        XCTAssertNotNil(backend.skinnyGEMMRows(bilstm))
        for transposeB in [false, true] {
            let check = KernelCatalog.paddedGEMMCheck(m: 2051, n: 256, k: 128, transposeA: false, transposeB: transposeB, pad: 1, beta: 0)
            let before = backend.skinnyGEMMs
            let result = KernelVerifier().run(check, on: backend)
            XCTAssertTrue(result.passed, "\(check.shape): \(result.error ?? result.mismatches.joined(separator: "; "))")
            XCTAssertEqual(backend.skinnyGEMMs - before, 1)
        }
    }

    /// A CPU device runs the register-tiled kernels from a few groups of rows on: a projection
    /// of a real batch's distinct tokens (bilstm on IMDB: 1,477 rows; stacked-simplernn: 899)
    /// and its weight gradient, with CPU's answers; a GPU leaves such short products to CLBlast.
    func testShortProductsOfDistinctTokensRunRegisterTilesOnACPUDevice() throws {
        let backend = try openCL()
        let a = try backend.zeros(1), b = try backend.zeros(1), c = try backend.zeros(1)
        let projection = GEMM(m: 1477, n: 256, k: 128, a: a, b: b, c: c)
        let gradient = GEMM(transposeA: true, m: 128, n: 64, k: 899, a: a, b: b, c: c)
        guard !backend.limits.isGPU else {
            XCTAssertNil(backend.skinnyGEMMRows(projection))
            XCTAssertNil(backend.splitKPlan(gradient))
            return
        }
        XCTAssertNotNil(backend.skinnyGEMMRows(projection))
        XCTAssertNil(backend.skinnyGEMMRows(GEMM(m: 255, n: 256, k: 128, a: a, b: b, c: c)), "fewer rows than a few groups")
        XCTAssertNotNil(backend.splitKPlan(gradient))
        let checks = [KernelCatalog.paddedGEMMCheck(m: 1477, n: 256, k: 128, transposeA: false, transposeB: false, pad: 1, beta: 0),
                      KernelCatalog.paddedGEMMCheck(m: 1477, n: 128, k: 256, transposeA: false, transposeB: true, pad: 0, beta: 1),
                      KernelCatalog.paddedGEMMCheck(m: 128, n: 64, k: 899, transposeA: true, transposeB: false, pad: 2, beta: 0)]
        for check in checks {
            let before = backend.skinnyGEMMs
            let result = KernelVerifier().run(check, on: backend)
            XCTAssertTrue(result.passed, "\(check.shape): \(result.error ?? result.mismatches.joined(separator: "; "))")
            XCTAssertEqual(backend.skinnyGEMMs - before, 1, "\(check.shape) ran CLBlast")
        }
    }

    /// The comparison catches a wrong kernel: one that drops the last k, and a reduction that
    /// drops the last split.
    func testABrokenWeightGradientReductionIsCaught() throws {
        let source = try XCTUnwrap(KernelSources.programs["gemm_skinny"])
        let broken = source.replacingOccurrences(of: "for (int s = 0; s < splits; ++s)", with: "for (int s = 0; s + 1 < splits; ++s)")
        XCTAssertNotEqual(broken, source, "the sabotage no longer applies; update this test")
        let backend = try openCL(sourceOverrides: ["gemm_skinny": broken])
        let check = try XCTUnwrap(KernelCatalog.skinnyGEMM().first { $0.name == "gemm skinny TN" })
        XCTAssertFalse(KernelVerifier().run(check, on: backend).passed)
        XCTAssertEqual(backend.skinnyGEMMs, 1)
    }

    func testABrokenSkinnyKernelIsCaught() throws {
        let source = try XCTUnwrap(KernelSources.programs["gemm_skinny"])
        let broken = source.replacingOccurrences(of: "for (int k = 0; k < K; ++k) {", with: "for (int k = 0; k < K - 1; ++k) {")
        XCTAssertNotEqual(broken, source, "the sabotage no longer applies; update this test")
        let backend = try openCL(sourceOverrides: ["gemm_skinny": broken])
        let check = KernelCatalog.skinnyGEMM()[0]
        XCTAssertFalse(KernelVerifier().run(check, on: backend).passed)
        XCTAssertEqual(backend.skinnyGEMMs, 1)
    }

    /// On a CPU device both products run the register-tiled kernels (`*_rows`), which take a C
    /// the GPU kernel's limit leaves to CLBlast (bigru-w2v's [300, 384] kernel gradient); a GPU
    /// keeps the work-group kernels.
    func testCPUDevicesRunRegisterTiles() throws {
        let backend = try openCL()
        let a = try backend.zeros(1), b = try backend.zeros(1), c = try backend.zeros(1)
        let bigru = GEMM(transposeA: true, m: 300, n: 384, k: 18_176, a: a, b: b, c: c)
        guard !backend.limits.isGPU else {
            XCTAssertNil(backend.splitKPlan(bigru))
            return
        }
        XCTAssertTrue(backend.usesRowTiles(n: 16))
        XCTAssertFalse(backend.usesRowTiles(n: 12), "narrower than one column tile")
        let plan = try XCTUnwrap(backend.splitKPlan(bigru))
        XCTAssertGreaterThanOrEqual(plan.splits * plan.slice, 18_176)
        XCTAssertLessThan((plan.splits - 1) * plan.slice, 18_176, "an empty split")
    }

    /// The register-tiled kernels' own edges are checked: a partial sum that forgets the blocks
    /// before its last, and a last, overlapping column chunk that stores one column too few.
    func testBrokenRegisterTilesAreCaught() throws {
        guard try !openCL().limits.isGPU else { throw XCTSkip("the register-tiled kernels run on CPU devices only") }
        let source = try XCTUnwrap(KernelSources.programs["gemm_skinny"])
        let sabotages = [
            ("if (block > 0) {", "if (false) {", "gemm skinny TN", "M=32 N=128 K=4099 beta=0"),
            ("for (int j = from; j < CPU_LANES; ++j)", "for (int j = from + 1; j < CPU_LANES; ++j)", "gemm skinny NN",
             "M=2051 N=36 K=7 beta=0"),
            ("for (int j = from; j < CPU_LANES; ++j)", "for (int j = from + 1; j < CPU_LANES; ++j)", "gemm skinny TN",
             "M=33 N=36 K=5001 ld+2 beta=1"),
        ]
        for (original, replacement, name, shape) in sabotages {
            let broken = source.replacingOccurrences(of: original, with: replacement)
            XCTAssertNotEqual(broken, source, "the sabotage '\(original)' no longer applies; update this test")
            let backend = try openCL(sourceOverrides: ["gemm_skinny": broken])
            let check = try XCTUnwrap(KernelCatalog.skinnyGEMM().first { $0.name == name && $0.shape == shape }, shape)
            XCTAssertFalse(KernelVerifier().run(check, on: backend).passed, "\(original) → \(replacement) at \(shape)")
        }
    }
}
