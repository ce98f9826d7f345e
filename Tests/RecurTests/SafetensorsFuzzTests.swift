import Foundation
import XCTest
@testable import Recur

/// Damaged files must be rejected with a CheckpointError or parse; never trap, never hang.
final class SafetensorsFuzzTests: XCTestCase {
    private func assertParsesOrThrowsCheckpointError(_ bytes: Data, _ label: String) {
        do {
            _ = try SafetensorsFile(data: bytes, source: "fuzz")
        } catch is CheckpointError {
        } catch {
            XCTFail("\(label): threw \(type(of: error)) instead of CheckpointError: \(error)")
        }
    }

    func testEveryTruncationThrowsACheckpointError() throws {
        let valid = try sampleCheckpoint().serialized()
        for length in 0..<valid.count {
            XCTAssertThrowsError(try SafetensorsFile(data: valid.prefix(length), source: "fuzz"), "length \(length)") {
                XCTAssertTrue($0 is CheckpointError, "length \(length): \($0)")
            }
        }
    }

    func testRandomByteFlipsNeverTrap() throws {
        let valid = try sampleCheckpoint().serialized()
        var random = SplitMix64(seed: 20_251_123)  // a fixed seed makes any failure reproducible
        for iteration in 0..<3000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                // Half the time a single-bit flip, half the time any byte (digits, quotes, braces…).
                bytes[index] = Bool.random(using: &random)
                    ? bytes[index] ^ (1 << UInt8.random(in: 0..<8, using: &random))
                    : UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) {
                bytes = bytes.prefix(Int.random(in: 0...bytes.count, using: &random))
            }
            assertParsesOrThrowsCheckpointError(bytes, "iteration \(iteration)")
        }
    }

    func testSlicedInputWithNonZeroStartIndexParses() throws {
        let valid = try sampleCheckpoint().serialized()
        let padded = Data([0xAA, 0xBB, 0xCC]) + valid
        XCTAssertEqual(try SafetensorsFile(data: padded.dropFirst(3)), try sampleCheckpoint())
    }
}
