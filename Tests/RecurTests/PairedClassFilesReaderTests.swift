import Foundation
import XCTest
@testable import Recur

final class PairedClassFilesReaderTests: ReaderTestCase {
    func testPosAndNegFilesGiveLabelsOneAndZero() throws {
        try write("rt.pos", "a gem .\r\nsimply wonderful\n\n")
        try write("rt.neg", "a mess .\nno")
        let prefix = directory.appendingPathComponent("rt").path
        let file = try PairedClassFilesReader.read(prefix: prefix)
        XCTAssertEqual(file.examples, [
            LabeledText(text: "a mess .", label: 0), LabeledText(text: "no", label: 0),
            LabeledText(text: "a gem .", label: 1), LabeledText(text: "simply wonderful", label: 1),
        ])
    }

    func testInvalidUTF8NamesFileAndLine() throws {
        try write("rt.neg", "fine\n")
        let pos = try write("rt.pos", Array("ok\nalso ok\n".utf8) + [0x6E, 0x61, 0xEF, 0x76, 0x65] + [0x0A])
        let prefix = directory.appendingPathComponent("rt").path
        assertThrows(.invalidUTF8(path: pos, entry: "line 3"), mentioning: ["rt.pos: line 3 is not valid UTF-8"]) {
            try PairedClassFilesReader.read(prefix: prefix)
        }
        let lenient = try PairedClassFilesReader.read(prefix: prefix, mode: .lenient)
        XCTAssertEqual(lenient.examples.count, 3)
        XCTAssertEqual(lenient.skippedCount, 1)
    }

    func testMissingFileIsUnreadable() throws {
        try write("rt.neg", "fine\n")
        let prefix = directory.appendingPathComponent("rt").path
        assertThrows(.unreadable(path: prefix + ".pos", reason: "No such file or directory")) {
            try PairedClassFilesReader.read(prefix: prefix)
        }
    }
}
