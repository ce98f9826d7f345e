import Foundation
import XCTest
@testable import Recur

/// Files from the official library (huggingface/safetensors 0.8.0, via
/// `Scripts/make_safetensors_fixture.py`) read correctly, and Recur writes the same bytes.
final class SafetensorsInteropTests: XCTestCase {
    private func fixture() throws -> (URL, SafetensorsFile) {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/official-library", withExtension: "safetensors"))
        return (url, try SafetensorsFile.read(from: url))
    }

    func testReadsEveryDTypeTheOfficialLibraryWrote() throws {
        let (_, file) = try fixture()
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(file.names, ["bytes", "dense.bias", "dense.kernel", "embedding.bf16", "embedding.half",
                                    "mask", "scalar", "step", "tokens"])
        XCTAssertEqual(file["dense.kernel"]?.shape, [2, 3])
        XCTAssertEqual(try file.floats(named: "dense.kernel", shape: [2, 3]), [0.5, -1, 2.25, 3, -0.125, 100])
        XCTAssertEqual(try file.tensor(named: "dense.bias").doubles(), [1.5, -2.5])
        XCTAssertEqual(try file.floats(named: "dense.bias"), [1.5, -2.5])
        XCTAssertEqual(try file.floats(named: "embedding.half"), [1, -0.5, 65504])
        XCTAssertEqual(try file.floats(named: "embedding.bf16"), [1, -3])
        XCTAssertEqual(try file.tensor(named: "step").int64s(), [1_234_567_890_123])
        XCTAssertEqual(try file.tensor(named: "tokens").int32s(), [0, 1, -2, Int32.max])
        XCTAssertEqual(file["mask"]?.dtype, .bool)
        XCTAssertEqual(file["mask"]?.data, Data([1, 0, 1]))
        XCTAssertEqual(file["bytes"]?.data, Data([7, 255]))
        XCTAssertEqual(file["scalar"]?.shape, [])
        XCTAssertEqual(try file.floats(named: "scalar"), [42])
    }

    func testReserializingTheFixtureReproducesTheOfficialBytes() throws {
        let (url, file) = try fixture()
        XCTAssertEqual(file.serialized(), try Data(contentsOf: url))
    }

    /// Writes a file for `Scripts/check_swift_written.py` to load with the official library.
    /// Runs only when RECUR_SAFETENSORS_INTEROP_DIR names a directory.
    func testWritesAFileForThePythonInteropCheck() throws {
        guard let directory = ProcessInfo.processInfo.environment["RECUR_SAFETENSORS_INTEROP_DIR"] else {
            throw XCTSkip("set RECUR_SAFETENSORS_INTEROP_DIR to write a file for Scripts/check_swift_written.py")
        }
        var file = try sampleCheckpoint()
        try file.setFloats((0..<12).map { Float($0) / 4 }, shape: [3, 4], forName: "dense.kernel")
        try file.write(to: URL(fileURLWithPath: directory).appendingPathComponent("swift-written.safetensors"))
    }
}
