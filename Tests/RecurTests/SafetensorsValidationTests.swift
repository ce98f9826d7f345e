import Foundation
import XCTest
@testable import Recur

/// Every way a file can be malformed gets its own typed error, and its message names the file,
/// what is wrong and what was expected.
final class SafetensorsValidationTests: XCTestCase {
    private let source = "bad.safetensors"

    private func parse(_ header: String, data: [UInt8] = []) throws -> SafetensorsFile {
        try SafetensorsFile(data: safetensorsBytes(header: header, data: data), source: source)
    }

    private func entry(_ name: String, _ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(begin),\#(end)]}"#
    }

    func testFileShorterThanTheLengthPrefix() {
        XCTAssertThrowsCheckpointError(try SafetensorsFile(data: Data([1, 2, 3]), source: source),
                                       .fileTooShort(source: source, byteCount: 3),
                                       mentioning: [source, "3 bytes", "at least 8"])
    }

    func testHeaderLengthLargerThanTheFile() {
        let bytes = Data([100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8))
        XCTAssertThrowsCheckpointError(try SafetensorsFile(data: bytes, source: source),
                                       .headerLengthExceedsFile(source: source, declared: 100, available: 2),
                                       mentioning: [source, "100", "cut off"])
    }

    func testAbsurdHeaderLengthIsRejectedBeforeAnyAllocation() {
        let bytes = Data([0, 0, 0, 0, 0, 1, 0, 0] + Array("{}".utf8))
        XCTAssertThrowsCheckpointError(try SafetensorsFile(data: bytes, source: source),
                                       .headerTooLarge(source: source, declared: 1 << 40, limit: 100_000_000),
                                       mentioning: [source, "not a safetensors file"])
    }

    func testHeaderThatIsNotUTF8() {
        var bytes = safetensorsBytes(header: "{}  ")
        bytes[9] = 0xFF
        XCTAssertThrowsCheckpointError(try SafetensorsFile(data: bytes, source: source),
                                       .headerNotUTF8(source: source), mentioning: [source, "UTF-8"])
    }

    func testHeaderThatIsNotJSON() {
        XCTAssertThrowsError(try parse(#"{"a": "#)) { error in
            guard case let .headerNotJSON(errorSource, _)? = error as? CheckpointError else {
                return XCTFail("expected headerNotJSON, got \(error)")
            }
            XCTAssertEqual(errorSource, source)
            XCTAssertTrue("\(error)".contains("not valid JSON"))
            XCTAssertTrue("\(error)".contains("expected a JSON object"))
        }
    }

    func testHeaderThatIsJSONButNotAnObject() {
        XCTAssertThrowsCheckpointError(try parse("[1, 2]"), .headerNotObject(source: source, found: "array"),
                                       mentioning: [source, "array", "expected a JSON object"])
    }

    func testMetadataMustBeAnObjectOfStrings() {
        XCTAssertThrowsCheckpointError(try parse(#"{"__metadata__":"pt"}"#),
                                       .metadataNotObject(source: source, found: "string"))
        XCTAssertThrowsCheckpointError(try parse(#"{"__metadata__":{"epoch":3}}"#),
                                       .metadataValueNotString(source: source, key: "epoch", found: "number"),
                                       mentioning: [source, "\"epoch\"", "must be strings"])
    }

    func testUnknownDType() {
        XCTAssertThrowsCheckpointError(try parse("{" + entry("w", "F128", [1], 0, 16) + "}", data: Array(repeating: 0, count: 16)),
                                       .unknownDType(source: source, tensor: "w", dtype: "F128"),
                                       mentioning: [source, "\"w\"", "F128", "F32", "BF16"])
    }

    func testMalformedTensorEntries() {
        let cases: [(header: String, problem: String)] = [
            (#"{"w":[1,2]}"#, "expected an object with dtype, shape and data_offsets, found a JSON array"),
            (#"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, #""dtype" is missing; expected a string such as "F32""#),
            (#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, #""shape" must be an array of non-negative integers"#),
            (#"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, #""shape" must be an array of non-negative integers"#),
            (#"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, #""shape" must be an array of non-negative integers"#),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#,
             #""data_offsets" must be an array of two non-negative integers [begin, end]"#),
            (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[true,4]}}"#,
             #""data_offsets" must be an array of two non-negative integers [begin, end]"#),
            (#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#,
             "shape [4294967296, 4294967296] has more elements than can be addressed"),
        ]
        for (header, problem) in cases {
            XCTAssertThrowsCheckpointError(try parse(header, data: [0, 0, 0, 0]),
                                           .malformedTensorEntry(source: source, tensor: "w", problem: problem),
                                           mentioning: [source, "\"w\""])
        }
    }

    func testShapeTimesDTypeSizeMustEqualTheOffsetSpan() {
        XCTAssertThrowsCheckpointError(
            try parse("{" + entry("w", "F32", [2], 0, 4) + "}", data: [0, 0, 0, 0]),
            .sizeDoesNotMatchOffsets(source: source, tensor: "w", dtype: .float32, shape: [2], expectedBytes: 8, spanBytes: 4),
            mentioning: [source, "\"w\"", "needs 8 bytes", "span 4 bytes"])
    }

    func testOffsetsThatRunBackwards() {
        XCTAssertThrowsCheckpointError(try parse("{" + entry("w", "U8", [0], 8, 0) + "}"),
                                       .offsetsReversed(source: source, tensor: "w", begin: 8, end: 0),
                                       mentioning: [source, "[8, 0]", "begin ≤ end"])
    }

    func testTruncatedData() {
        XCTAssertThrowsCheckpointError(try parse("{" + entry("w", "F32", [2], 0, 8) + "}", data: [0, 0, 0, 0]),
                                       .truncatedData(source: source, tensor: "w", end: 8, available: 4),
                                       mentioning: [source, "\"w\"", "only 4 data bytes", "cut off"])
    }

    func testOverlappingTensors() {
        let header = "{" + entry("a", "U8", [4], 0, 4) + "," + entry("b", "U8", [4], 2, 6) + "}"
        XCTAssertThrowsCheckpointError(try parse(header, data: Array(repeating: 0, count: 6)),
                                       .tensorsOverlap(source: source, tensor: "b", begin: 2, previous: "a", previousEnd: 4),
                                       mentioning: [source, "\"a\"", "\"b\"", "non-overlapping"])
    }

    func testGapBetweenTensors() {
        let header = "{" + entry("a", "U8", [1], 0, 1) + "," + entry("b", "U8", [1], 2, 3) + "}"
        XCTAssertThrowsCheckpointError(try parse(header, data: [0, 0, 0]),
                                       .gapBeforeTensor(source: source, tensor: "b", begin: 2, previousEnd: 1),
                                       mentioning: [source, "\"b\"", "without gaps"])
        XCTAssertThrowsCheckpointError(try parse("{" + entry("a", "U8", [1], 1, 2) + "}", data: [0, 0]),
                                       .gapBeforeTensor(source: source, tensor: "a", begin: 1, previousEnd: 0))
    }

    func testTensorsMustCoverTheWholeDataBuffer() {
        XCTAssertThrowsCheckpointError(try parse("{" + entry("a", "U8", [1], 0, 1) + "}", data: [0, 0, 0]),
                                       .trailingBytes(source: source, covered: 1, available: 3),
                                       mentioning: [source, "cover 1 data bytes", "has 3"])
    }

    func testDuplicateTensorNamesInTheHeaderAreRejected() {
        // JSON leaves duplicate keys undefined; whichever entry the decoder keeps, the other's
        // bytes are then unaccounted for, so the file is rejected either way.
        let header = "{" + entry("a", "U8", [1], 0, 1) + "," + entry("a", "U8", [1], 1, 2) + "}"
        XCTAssertThrowsError(try parse(header, data: [0, 0])) { XCTAssertTrue($0 is CheckpointError, "\($0)") }
    }

    func testMissingAndUnreadableFiles() throws {
        let directory = try makeTemporaryDirectory(self)
        let missing = directory.appendingPathComponent("nope.safetensors")
        XCTAssertThrowsCheckpointError(try SafetensorsFile.read(from: missing), .fileNotFound(path: missing.path),
                                       mentioning: [missing.path])
        XCTAssertThrowsError(try SafetensorsFile.read(from: directory)) { error in
            guard case let .unreadable(path, _)? = error as? CheckpointError else {
                return XCTFail("expected unreadable, got \(error)")
            }
            XCTAssertEqual(path, directory.path)
        }
    }

    func testErrorsReadingFromDiskNameThePath() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("short.safetensors")
        try Data([1, 2]).write(to: url)
        XCTAssertThrowsCheckpointError(try SafetensorsFile.read(from: url), .fileTooShort(source: url.path, byteCount: 2),
                                       mentioning: [url.path])
    }

    func testBuildingAFileRejectsInconsistentTensors() throws {
        XCTAssertThrowsCheckpointError(try SafetensorsTensor(name: "w", floats: [1, 2, 3], shape: [2, 2]),
                                       .byteCountMismatch(tensor: "w", dtype: .float32, shape: [2, 2], expected: 16, found: 12),
                                       mentioning: ["\"w\"", "16 bytes", "got 12"])
        XCTAssertThrowsCheckpointError(try SafetensorsTensor(name: "w", floats: [], shape: [-1]),
                                       .invalidShape(tensor: "w", shape: [-1]))
        XCTAssertThrowsCheckpointError(try SafetensorsTensor(name: "__metadata__", floats: [1], shape: [1]),
                                       .reservedTensorName("__metadata__"))
        let tensor = try SafetensorsTensor(name: "w", floats: [1], shape: [1])
        XCTAssertThrowsCheckpointError(try SafetensorsFile(tensors: [tensor, tensor]), .duplicateTensorName("w"))
    }

    func testLookupsSayWhatIsThere() throws {
        let file = try sampleCheckpoint()
        XCTAssertThrowsCheckpointError(
            try file.floats(named: "dense.kernel"),
            .tensorNotFound(tensor: "dense.kernel", available: ["embedding.weight", "lstm.bias", "step", "tokens"]),
            mentioning: ["dense.kernel", "embedding.weight"])
        XCTAssertThrowsCheckpointError(try file.floats(named: "embedding.weight", shape: [2, 3]),
                                       .shapeMismatch(tensor: "embedding.weight", expected: [2, 3], found: [3, 2]))
        XCTAssertThrowsCheckpointError(try file.floats(named: "tokens"),
                                       .notConvertible(tensor: "tokens", dtype: .int32, requested: "Float"))
        XCTAssertThrowsCheckpointError(try file.tensor(named: "embedding.weight").int32s(),
                                       .notConvertible(tensor: "embedding.weight", dtype: .float32, requested: "Int32"))
        XCTAssertThrowsCheckpointError(try file.metadataJSON([String: Int].self, forKey: "recur.optimizer"),
                                       .metadataMissing(key: "recur.optimizer"))
        XCTAssertThrowsError(try file.metadataJSON([String: Int].self, forKey: "recur.model")) { error in
            guard case .metadataNotDecodable(key: "recur.model", _)? = error as? CheckpointError else {
                return XCTFail("expected metadataNotDecodable, got \(error)")
            }
        }
    }
}
