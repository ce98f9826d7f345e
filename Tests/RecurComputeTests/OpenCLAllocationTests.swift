import XCTest
@testable import RecurCompute

/// A buffer the OpenCL backend makes is zero before any lane can touch it. Buffers are also made
/// lazily in the middle of a plan (a lane's split-K partial sums), while other lanes are busy:
/// a zero-fill waiting behind lane 0's work once landed after lane 1 had written such a buffer,
/// and a bidirectional layer's reverse direction lost its weight gradients now and then.
final class OpenCLAllocationTests: XCTestCase {
    func testABufferMadeWhileLaneZeroIsBusyIsZeroedBeforeLaneOneWritesIt() throws {
        let backend = try OpenCLBackend(entry: try firstOpenCLDevice())
        let n = 768
        let a = try backend.tensor((0..<(n * n)).map { Float($0 % 7) / 7 })
        let c = try backend.zeros(n * n)
        try backend.synchronize()
        // Several hundred milliseconds of products on lane 0 (CLBlast's kernels on PoCL).
        for _ in 0..<8 { try backend.enqueue(.gemm(GEMM(m: n, n: n, k: n, a: a, b: a, c: c)), lane: 0) }
        let made = FloatRef(storage: try backend.allocate(.float32, count: 4096), count: 4096)
        try backend.enqueue(.fill(Fill(made, value: 3)), lane: 1)
        try backend.synchronize()
        let values = try backend.read(made)
        XCTAssertEqual(values.filter { $0 != 3 }.count, 0, "a zero-fill landed after lane 1's write")
    }
}
