import Foundation
import XCTest
@testable import Recur

final class SafetensorsRoundTripTests: XCTestCase {
    func testSerializedFileParsesBackToEqualContents() throws {
        let original = try sampleCheckpoint()
        let parsed = try SafetensorsFile(data: original.serialized())
        XCTAssertEqual(parsed, original)
        XCTAssertEqual(try parsed.floats(named: "embedding.weight", shape: [3, 2]), [0.25, -0.5, 1, 2, 3, 4])
        XCTAssertEqual(try parsed.tensor(named: "lstm.bias").doubles(), [1.5, -2.5])
        XCTAssertEqual(try parsed.tensor(named: "tokens").int32s(), [1, 2, 3])
        XCTAssertEqual(try parsed.tensor(named: "step").int64s(), [7])
        XCTAssertEqual(parsed["step"]?.shape, [])
        XCTAssertEqual(parsed.metadata["format"], "pt")
    }

    func testWriteThenReadFromDiskGivesTheSameFile() throws {
        let directory = try makeTemporaryDirectory(self)
        let url = directory.appendingPathComponent("epoch-1.safetensors")
        let original = try sampleCheckpoint()
        try original.write(to: url)
        XCTAssertEqual(try SafetensorsFile.read(from: url), original)
        XCTAssertEqual(try Data(contentsOf: url), original.serialized())
    }

    func testWriteCreatesMissingParentDirectories() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("runs/imdb/last.safetensors")
        try sampleCheckpoint().write(to: url)
        XCTAssertEqual(try SafetensorsFile.read(from: url), try sampleCheckpoint())
    }

    func testEmptyAndZeroSizedTensorsRoundTrip() throws {
        let file = try SafetensorsFile(tensors: [
            SafetensorsTensor(name: "empty", floats: [], shape: [0, 4]),
            SafetensorsTensor(name: "also.empty", int32s: [], shape: [2, 0]),
        ], metadata: [:])
        XCTAssertEqual(try SafetensorsFile(data: file.serialized()), file)
        XCTAssertEqual(try SafetensorsFile(data: SafetensorsFile(metadata: [:]).serialized()).isEmpty, true)
    }

    func testNamesAndMetadataNeedingJSONEscapesRoundTrip() throws {
        let awkward = "quote\" backslash\\ newline\n tab\t bell\u{07} café 日本"
        var file = try SafetensorsFile(tensors: [SafetensorsTensor(name: awkward, floats: [1], shape: [1])])
        file.metadata[awkward] = awkward
        XCTAssertEqual(try SafetensorsFile(data: file.serialized()), file)
    }

    func testTrainerStoresFloatsAndJSONMetadata() throws {
        struct OptimizerState: Codable, Equatable { var name: String; var step: Int; var learningRate: Double }
        var file = try SafetensorsFile()
        try file.setFloats([1, 2, 3, 4, 5, 6], shape: [2, 3], forName: "dense.kernel")
        try file.setMetadataJSON(OptimizerState(name: "adam", step: 120, learningRate: 1e-3),
                                 forKey: SafetensorsFile.MetadataKey.optimizer)
        let parsed = try SafetensorsFile(data: file.serialized())
        XCTAssertEqual(try parsed.floats(named: "dense.kernel", shape: [2, 3]), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try parsed.metadataJSON(OptimizerState.self, forKey: SafetensorsFile.MetadataKey.optimizer),
                       OptimizerState(name: "adam", step: 120, learningRate: 1e-3))
        XCTAssertEqual(parsed.metadata["recur.optimizer"], #"{"learningRate":0.001,"name":"adam","step":120}"#)
    }

    func testHalfPrecisionConvertsExactly() {
        let cases: [(UInt16, Float)] = [
            (0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24), (0x8400, -0x1p-14),
            (0x0000, 0), (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        for (bits, value) in cases {
            XCTAssertEqual(SafetensorsTensor.float(fromHalfBits: bits), value, "half 0x\(String(bits, radix: 16))")
        }
        XCTAssertTrue(SafetensorsTensor.float(fromHalfBits: 0x7E00).isNaN)
        XCTAssertEqual(SafetensorsTensor.float(fromHalfBits: 0x8000).sign, .minus)
    }
}
