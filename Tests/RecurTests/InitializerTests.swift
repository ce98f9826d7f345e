import XCTest
@testable import Recur

final class InitializerTests: XCTestCase {
    func testGlorotUniformStaysWithinKerasLimitAndHasItsVariance() {
        let shape = [32, 128]
        let values = Initializer.glorotUniform.values(shape: shape, seed: 1, stream: 0)
        let limit = (6.0 / Float(32 + 128)).squareRoot()
        XCTAssertEqual(values.count, 32 * 128)
        XCTAssertTrue(values.allSatisfy { abs($0) <= limit })
        // Uniform(±L) has variance L²/3; 4096 draws put the sample within 10% of it.
        let variance = values.map { $0 * $0 }.reduce(0, +) / Float(values.count)
        XCTAssertEqual(variance, limit * limit / 3, accuracy: 0.1 * limit * limit / 3)
        XCTAssertGreaterThan(values.filter { abs($0) > 0.9 * limit }.count, 100, "the whole range is used")
    }

    func testOrthogonalRecurrentKernelHasOrthonormalRows() {
        // A recurrent kernel [H, 4H] is wider than tall: its rows are orthonormal (W·Wᵀ = I).
        for (h, g) in [(32, 4), (5, 3), (1, 1)] {
            let w = Initializer.orthogonal(gain: 1).values(shape: [h, g * h], seed: 9, stream: 2)
            for i in 0..<h {
                for j in 0..<h {
                    var dot = 0.0
                    for k in 0..<(g * h) { dot += Double(w[i * g * h + k]) * Double(w[j * g * h + k]) }
                    XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-5, "H=\(h) G=\(g) rows \(i), \(j)")
                }
            }
        }
        // A tall one [8, 3]: orthonormal columns, and the gain scales it.
        let tall = Initializer.orthogonal(gain: 2).values(shape: [8, 3], seed: 3, stream: 1)
        for i in 0..<3 {
            var norm = 0.0
            for r in 0..<8 { norm += Double(tall[r * 3 + i] * tall[r * 3 + i]) }
            XCTAssertEqual(norm, 4, accuracy: 1e-5)
        }
    }

    func testInitializersAreDeterministicPerSeedAndStream() {
        let a = Initializer.glorotUniform.values(shape: [7, 9], seed: 5, stream: 1)
        XCTAssertEqual(a, Initializer.glorotUniform.values(shape: [7, 9], seed: 5, stream: 1))
        XCTAssertNotEqual(a, Initializer.glorotUniform.values(shape: [7, 9], seed: 6, stream: 1))
        XCTAssertNotEqual(a, Initializer.glorotUniform.values(shape: [7, 9], seed: 5, stream: 2))
        let o = Initializer.orthogonal(gain: 1).values(shape: [4, 16], seed: 5, stream: 3)
        XCTAssertEqual(o, Initializer.orthogonal(gain: 1).values(shape: [4, 16], seed: 5, stream: 3))
    }

    func testUnitForgetBiasOnlyOpensTheForgetGate() {
        XCTAssertEqual(Initializer.unitForgetBias(units: 2).values(shape: [8], seed: 0, stream: 0), [0, 0, 1, 1, 0, 0, 0, 0])
    }

    func testEmbeddingUniformIsKerasRange() {
        let values = Initializer.embeddingUniform.values(shape: [1000, 8], seed: 1, stream: 4)
        XCTAssertTrue(values.allSatisfy { $0 >= -0.05 && $0 < 0.05 })
        XCTAssertEqual(values.reduce(0, +) / Float(values.count), 0, accuracy: 0.003)
    }
}
