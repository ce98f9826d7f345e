import Foundation
import XCTest
@testable import Recur

/// Bytes of a safetensors file built by hand: `header` verbatim (no padding added), then `data`.
func safetensorsBytes(header: String, data: [UInt8] = []) -> Data {
    let headerBytes = Array(header.utf8)
    var bytes = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
    bytes += headerBytes + data
    return Data(bytes)
}

/// A small file with several dtypes, metadata and a scalar, for round trips and fuzzing.
func sampleCheckpoint() throws -> SafetensorsFile {
    var file = try SafetensorsFile(tensors: [
        SafetensorsTensor(name: "embedding.weight", floats: [0.25, -0.5, 1, 2, 3, 4], shape: [3, 2]),
        SafetensorsTensor(name: "lstm.bias", doubles: [1.5, -2.5], shape: [2]),
        SafetensorsTensor(name: "tokens", int32s: [1, 2, 3], shape: [3]),
        SafetensorsTensor(name: "step", int64s: [7], shape: []),
    ])
    file.metadata[SafetensorsFile.MetadataKey.model] = #"{"layers":["embedding","lstm"]}"#
    return file
}

/// A fresh empty directory, removed when the test ends.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("recur-checkpoint-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Asserts that `body` throws exactly `expected`, and that its message mentions each fragment.
func XCTAssertThrowsCheckpointError<T>(
    _ body: @autoclosure () throws -> T, _ expected: CheckpointError, mentioning fragments: [String] = [],
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard let error = error as? CheckpointError else {
            return XCTFail("expected a CheckpointError, got \(type(of: error)): \(error)", file: file, line: line)
        }
        XCTAssertEqual(error, expected, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(error.description.contains(fragment),
                          "message \"\(error.description)\" does not mention \"\(fragment)\"", file: file, line: line)
        }
    }
}
