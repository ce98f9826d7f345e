import XCTest
@testable import RecurCompute

/// A weight-gradient product `Xᵀ · dZ` that also writes `Σ dZ` (``GEMM/columnSums``, the bias
/// gradient): the CPU backend forms the sums while it reads dZ, in each of its paths for such a
/// product (split along k in RowGEMM, split along k in OpenBLAS, in one piece); OpenCL on a CPU
/// device in its row-tile kernel's reads of dZ (a row of sums after each slice's partial
/// product), elsewhere in a pass of its own. The product is the same bits as without the sums;
/// the sums match a Double reference; the op refuses the shapes it is not for.
final class GEMMColumnSumsTests: XCTestCase {
    /// (m, n, k): RowGEMM split along k; OpenBLAS split along k (m > 128); one piece (k short).
    static let shapes = [(32, 40, 4096), (136, 24, 4352), (16, 20, 300)]

    func testTheSumsComeWithTheProductOnEveryPath() throws {
        var backends: [Backend] = [CPUBackend(threads: 2), CPUBackend(threads: 1)]
        if let device = try? firstOpenCLDevice() { backends.append(try OpenCLBackend(entry: device, cache: nil)) }
        for backend in backends {
            for (m, n, k) in Self.shapes {
                let label = "\(backend.device.identifier) m=\(m) n=\(n) k=\(k)"
                var random = SplitMix64(seed: UInt64(m * n + k))
                let a = random.floats(k * m), b = random.floats(k * n)
                let (x, dz) = (try backend.tensor(a), try backend.tensor(b))
                let plain = try backend.zeros(m * n), withSums = try backend.zeros(m * n), sums = try backend.tensor([Float](repeating: .nan, count: n))
                try backend.run(.gemm(GEMM(transposeA: true, m: m, n: n, k: k, a: x, b: dz, c: plain)))
                try backend.run(.gemm(GEMM(transposeA: true, m: m, n: n, k: k, a: x, b: dz, c: withSums, columnSums: sums)))
                XCTAssertEqual(try backend.read(withSums), try backend.read(plain), "\(label): the product changed")
                let got = try backend.read(sums)
                for j in 0..<n {
                    let reference = (0..<k).reduce(0.0) { $0 + Double(b[$1 * n + j]) }
                    XCTAssertEqual(Double(got[j]), reference, accuracy: 1e-4 * (1 + abs(reference)), "\(label): column \(j)")
                }
            }
        }
    }

    func testOnlyATransposedProductWithContiguousRowsTakesSums() throws {
        let cpu = CPUBackend()
        let (a, b, c, sums) = (try cpu.zeros(12), try cpu.zeros(12), try cpu.zeros(9), try cpu.zeros(3))
        XCTAssertNoThrow(try GEMM(transposeA: true, m: 3, n: 3, k: 4, a: a, b: b, c: c, columnSums: sums).validate())
        XCTAssertThrowsError(try GEMM(m: 3, n: 3, k: 4, a: a, b: b, c: c, columnSums: sums).validate())
        XCTAssertThrowsError(try GEMM(transposeA: true, transposeB: true, m: 3, n: 3, k: 4, a: a, b: b, c: c, columnSums: sums).validate())
        XCTAssertThrowsError(try GEMM(transposeA: true, m: 3, n: 3, k: 4, a: a, b: b, c: c, columnSums: try cpu.zeros(4)).validate())
        XCTAssertThrowsError(try GEMM(transposeA: true, m: 3, n: 3, k: 4, a: a, b: b, c: c, columnSums: c.slice(0, 3)).validate())
    }
}
