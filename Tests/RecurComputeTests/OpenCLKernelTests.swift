import XCTest
@testable import RecurCompute

/// Every kernel against the CPU reference on every OpenCL device, family by family. Shapes and
/// tolerances are the catalog's (`KernelCatalog`): element-wise math 1e-5 + 1e-4·|ref|, sums and
/// products 1e-4 + 1e-3·|ref|, dropout masks exact.
final class OpenCLKernelTests: XCTestCase {
    func testGEMMMatchesOpenBLAS() throws { try assertKernelChecksPass(KernelCatalog.gemm()) }
    func testFusedCellKernelsMatchCPUReference() throws { try assertKernelChecksPass(KernelCatalog.cells()) }
    func testFusedRecurrentLoopKernelsMatchCPUReference() throws { try assertKernelChecksPass(KernelCatalog.recurrentLoops()) }
    func testEmbeddingKernelsMatchCPUReference() throws { try assertKernelChecksPass(KernelCatalog.embedding()) }
    func testElementwiseKernelsMatchCPUReference() throws { try assertKernelChecksPass(KernelCatalog.elementwise()) }
    func testDropoutMasksAreBitIdenticalToCPU() throws { try assertKernelChecksPass(KernelCatalog.dropout()) }
    func testLossKernelsMatchCPUReference() throws { try assertKernelChecksPass(KernelCatalog.losses()) }
    func testOptimizerKernelsMatchCPUReference() throws { try assertKernelChecksPass(KernelCatalog.optimizers()) }
    func testReductionKernelsMatchCPUReference() throws { try assertKernelChecksPass(KernelCatalog.reductions()) }
}
