import XCTest
@testable import RecurCompute
final class SmokeTests: XCTestCase {
    func testCPUBackendRunsGEMM() throws {
        let cpu = CPUBackend()
        let a = try cpu.tensor([1, 2, 3, 4]), b = try cpu.tensor([5, 6, 7, 8]), c = try cpu.zeros(4)
        try cpu.run(.gemm(GEMM(m: 2, n: 2, k: 2, a: a, b: b, c: c)))
        XCTAssertEqual(try cpu.read(c), [19, 22, 43, 50])
    }
}
