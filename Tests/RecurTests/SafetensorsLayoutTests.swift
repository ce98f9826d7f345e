import Foundation
import XCTest
@testable import Recur

/// The exact bytes a known tiny file must have: length prefix, compact JSON, space padding to
/// a multiple of 8, offsets from the start of the data. The same files as the official
/// library's own serialization tests.
final class SafetensorsLayoutTests: XCTestCase {
    private let sixFloats: [Float] = [0, 1, 2, 3, 4, 5]
    private var sixFloatBytes: [UInt8] { sixFloats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    func testHeaderThatIsAlreadyAlignedGetsNoPadding() throws {
        let file = try SafetensorsFile(
            tensors: [SafetensorsTensor(name: "attn.0", floats: sixFloats, shape: [1, 2, 3])], metadata: [:])
        let header = #"{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}"#
        XCTAssertEqual(header.utf8.count, 64)
        XCTAssertEqual(Array(file.serialized()), [64, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + sixFloatBytes)
    }

    func testHeaderIsPaddedWithSpacesToAMultipleOfEight() throws {
        let file = try SafetensorsFile(
            tensors: [SafetensorsTensor(name: "attn0", floats: sixFloats, shape: [1, 1, 2, 3])], metadata: [:])
        let header = #"{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}"#
        XCTAssertEqual(header.utf8.count, 65)
        XCTAssertEqual(Array(file.serialized()),
                       [72, 0, 0, 0, 0, 0, 0, 0] + Array((header + "       ").utf8) + sixFloatBytes)
    }

    func testEmptyFileAndMetadataOnlyFile() throws {
        XCTAssertEqual(Array(try SafetensorsFile(metadata: [:]).serialized()),
                       [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        XCTAssertEqual(Array(try SafetensorsFile(metadata: ["framework": "pt"]).serialized()),
                       [40, 0, 0, 0, 0, 0, 0, 0] + Array(#"{"__metadata__":{"framework":"pt"}}     "#.utf8))
    }

    func testTensorsAreOrderedByAlignmentThenNameAndPackedContiguously() throws {
        let file = try SafetensorsFile(tensors: [
            SafetensorsTensor(name: "a.int", dtype: .uint8, shape: [3], data: Data([1, 2, 3])),
            SafetensorsTensor(name: "b", floats: [1], shape: [1]),
            SafetensorsTensor(name: "a", floats: [2], shape: [1]),
            SafetensorsTensor(name: "z", doubles: [3], shape: []),
        ], metadata: ["b": "2", "a": "1"])
        let bytes = file.serialized()
        let headerLength = Int(bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        XCTAssertEqual(headerLength % 8, 0)
        let header = String(decoding: bytes[8..<8 + headerLength], as: UTF8.self)
        XCTAssertEqual(header.trimmingCharacters(in: .whitespaces), #"{"__metadata__":{"a":"1","b":"2"},"#
            + #""z":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"#
            + #""a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},"#
            + #""a.int":{"dtype":"U8","shape":[3],"data_offsets":[16,19]}}"#)
        XCTAssertEqual(bytes.count, 8 + headerLength + 19)
    }

    func testReadingDoesNotDependOnHeaderOrder() throws {
        let shuffled = #"{"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"#
            + #""__metadata__":{"k":"v"},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        let file = try SafetensorsFile(data: safetensorsBytes(header: shuffled, data: [10, 20]))
        XCTAssertEqual(file["a"]?.data, Data([10]))
        XCTAssertEqual(file["b"]?.data, Data([20]))
        XCTAssertEqual(file.metadata, ["k": "v"])
    }
}
