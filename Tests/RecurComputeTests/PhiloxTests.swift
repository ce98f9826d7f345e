import XCTest
@testable import RecurCompute

/// Philox-4x32-10 against the known-answer vectors of Random123 (`kat_vectors`, philox4x32 with
/// 10 rounds), and the stream layout documented on ``Philox``.
final class PhiloxTests: XCTestCase {
    func assertBlock(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32),
                     _ expected: (UInt32, UInt32, UInt32, UInt32), file: StaticString = #filePath, line: UInt = #line) {
        let out = Philox.block(counter: counter, key: key)
        let hex = { (v: UInt32) in "0x" + String(v, radix: 16) }
        XCTAssertEqual([out.0, out.1, out.2, out.3].map(hex), [expected.0, expected.1, expected.2, expected.3].map(hex),
                       file: file, line: line)
    }

    func testZeroCounterAndKeyMatchesRandom123() {
        assertBlock(counter: (0, 0, 0, 0), key: (0, 0), (0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
    }

    func testAllOnesCounterAndKeyMatchesRandom123() {
        assertBlock(counter: (0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), key: (0xffff_ffff, 0xffff_ffff),
                    (0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
    }

    func testPiDigitsCounterAndKeyMatchesRandom123() {
        assertBlock(counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), key: (0xa409_3822, 0x299f_31d0),
                    (0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    func testUniformsLieInTheHalfOpenUnitIntervalAndLookUniform() {
        let n = 40_003   // not a multiple of 4: the last block is used partially
        let u = Philox(seed: 0xDEAD_BEEF_0123_4567).uniforms(count: n, stream: 3, step: 1 << 40)
        XCTAssertEqual(u.count, n)
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 }, "a uniform outside [0, 1)")
        // Mean of n uniforms: standard deviation sqrt(1/12/n) ≈ 0.0014; bound ≈ 7σ.
        XCTAssertEqual(Double(u.reduce(0, +)) / Double(n), 0.5, accuracy: 0.01)
        // Each tenth of the interval holds ≈ 10 % (σ ≈ 0.0015); bound ≈ 7σ.
        var bins = [Int](repeating: 0, count: 10)
        for v in u { bins[Int(v * 10)] += 1 }
        for (i, count) in bins.enumerated() { XCTAssertEqual(Double(count) / Double(n), 0.1, accuracy: 0.01, "bin \(i)") }
        XCTAssertEqual(Philox.unitFloat(.max), Float(16_777_215) / 16_777_216, "largest uniform is 1 − 2⁻²⁴, never 1")
        XCTAssertEqual(Philox.unitFloat(0), 0)
    }

    func testWordAgreesWithUniformsForEveryElementAndDocumentedCounter() {
        let philox = Philox(seed: 0x1234_5678_9ABC_DEF0), step: UInt64 = 0x1_0000_0007, stream: UInt32 = 11
        let u = philox.uniforms(count: 37, stream: stream, step: step)
        for i in 0..<37 {
            XCTAssertEqual(Philox.unitFloat(philox.word(index: i, stream: stream, step: step)), u[i], "element \(i)")
        }
        // Element i is word i % 4 of the block at counter (i / 4, stream, step_lo, step_hi), key (seed_lo, seed_hi).
        let block = Philox.block(counter: (2, stream, 7, 1), key: (0x9ABC_DEF0, 0x1234_5678))
        XCTAssertEqual(philox.word(index: 10, stream: stream, step: step), block.2)
    }

    func testStreamsStepsAndSeedsGiveDifferentSequences() {
        let base = Philox(seed: 5).uniforms(count: 64, stream: 0, step: 0)
        XCTAssertEqual(Philox(seed: 5).uniforms(count: 64, stream: 0, step: 0), base, "repeatable")
        XCTAssertNotEqual(Philox(seed: 5).uniforms(count: 64, stream: 1, step: 0), base)
        XCTAssertNotEqual(Philox(seed: 5).uniforms(count: 64, stream: 0, step: 1), base)
        XCTAssertNotEqual(Philox(seed: 6).uniforms(count: 64, stream: 0, step: 0), base)
        XCTAssertNotEqual(Philox(seed: 5 + (1 << 32)).uniforms(count: 64, stream: 0, step: 0), base, "the seed's high word counts")
    }
}
