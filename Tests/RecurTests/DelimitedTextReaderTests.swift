import Foundation
import XCTest
@testable import Recur

final class DelimitedTextReaderTests: ReaderTestCase {
    func testQuotedFieldsWithDelimitersQuotesAndLineBreaksAreRead() throws {
        let path = try write("reviews.csv", "\u{FEFF}id,review,sentiment\r\n"
            + "1,\"Great, really \"\"great\"\" film\",pos\r\n"
            + "2,\"line one\nline two\",neg\n"
            + "\n"
            + "3,plain text,pos")
        let file = try DelimitedTextReader.read(path, textColumn: "review", labelColumn: "sentiment", classes: ["neg", "pos"])
        XCTAssertEqual(file.examples, [
            LabeledText(text: "Great, really \"great\" film", label: 1),
            LabeledText(text: "line one\nline two", label: 0),
            LabeledText(text: "plain text", label: 1),
        ])
        XCTAssertEqual(file.skippedCount, 0)
    }

    func testTSVUsesTabsAndNumericClasses() throws {
        let path = try write("reviews.tsv", "label\ttext\n1\tgood, fine\n0\tbad\t\n".replacingOccurrences(of: "bad\t\n", with: "bad\n"))
        let file = try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["0", "1"])
        XCTAssertEqual(file.examples, [LabeledText(text: "good, fine", label: 1), LabeledText(text: "bad", label: 0)])
    }

    func testMissingFieldNamesFileAndLine() throws {
        let path = try write("short.csv", "text,label\n\"a\nb\",pos\nonly text\n")
        assertThrows(.wrongFieldCount(path: path, line: 4, expected: 2, found: 1), mentioning: ["short.csv:4", "expected 2 fields"]) {
            try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["neg", "pos"])
        }
    }

    func testUnknownLabelNamesValueAndClasses() throws {
        let path = try write("bad.csv", "text,label\nfine,pos\nhmm,neutral\n")
        assertThrows(.unknownLabel(path: path, line: 3, value: "neutral", classes: ["neg", "pos"]),
                     mentioning: ["bad.csv:3", "'neutral'", "['neg', 'pos']"]) {
            try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["neg", "pos"])
        }
    }

    func testInvalidUTF8NamesLine() throws {
        let path = try write("latin1.csv", Array("text,label\nok,pos\n".utf8) + [0x63, 0x61, 0x66, 0xE9] + Array(",neg\n".utf8))
        assertThrows(.invalidUTF8(path: path, entry: "line 3"), mentioning: ["latin1.csv: line 3 is not valid UTF-8"]) {
            try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["neg", "pos"])
        }
    }

    func testMissingColumnListsTheColumns() throws {
        let path = try write("cols.csv", "review,label\nx,pos\n")
        assertThrows(.missingColumn(path: path, line: 1, column: "text", available: ["review", "label"]),
                     mentioning: ["no column 'text'", "['review', 'label']"]) {
            try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["neg", "pos"])
        }
    }

    func testUnterminatedQuoteIsAnErrorAtTheLineItOpens() throws {
        let path = try write("open.csv", "text,label\nok,pos\n\"never closed,neg\nmore,pos\n")
        assertThrows(.malformedLine(path: path, line: 3, detail: "field 1 opens a quote that is never closed before the end of the file"),
                     mentioning: ["open.csv:3"]) {
            try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["neg", "pos"], mode: .lenient)
        }
    }

    func testTextAfterClosingQuoteIsMalformed() throws {
        let path = try write("stray.csv", "text,label\n\"quoted\" tail,pos\n")
        assertThrows(.malformedLine(path: path, line: 2, detail: "field 1 has ' ' after its closing quote; inside a quoted field write a quote as \"\"")) {
            try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["neg", "pos"])
        }
    }

    func testLenientModeSkipsAndCountsBadRows() throws {
        let path = try write("mixed.csv", Array("text,label\ngood,pos\nshort\nodd,maybe\n".utf8) + [0xFF] + Array(",neg\n\"x\"y,pos\nbad,neg\n".utf8))
        let file = try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["neg", "pos"], mode: .lenient)
        XCTAssertEqual(file.examples, [LabeledText(text: "good", label: 1), LabeledText(text: "bad", label: 0)])
        XCTAssertEqual(file.skippedCount, 4)
        XCTAssertEqual(file.skippedProblems.first, .wrongFieldCount(path: path, line: 3, expected: 2, found: 1))
        XCTAssertEqual(file.skippedProblems[1], .unknownLabel(path: path, line: 4, value: "maybe", classes: ["neg", "pos"]))
        XCTAssertEqual(file.skippedProblems[2], .invalidUTF8(path: path, entry: "line 5"))
        XCTAssertTrue(file.summary.contains("read 2 labelled texts"), file.summary)
        XCTAssertTrue(file.summary.contains("skipped 4 bad records"), file.summary)
    }

    func testUnquotedTSVReadsQuotesLiterally() throws {
        let path = try write("raw.tsv", "text\tlabel\n\"Great\" movie\t1\n")
        let file = try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["0", "1"], quoting: false)
        XCTAssertEqual(file.examples, [LabeledText(text: "\"Great\" movie", label: 1)])
    }

    func testRecordsLongerThanTheReadBufferAreWhole() throws {
        let long = String(repeating: "word, ", count: 40_000)
        let path = try write("long.csv", "text,label\n\"\(long)\",pos\nshort,neg\n")
        let file = try DelimitedTextReader.read(path, textColumn: "text", labelColumn: "label", classes: ["neg", "pos"])
        XCTAssertEqual(file.examples.map(\.text), [long, "short"])
    }

    func testEmptyFileAndMissingFileAreErrors() throws {
        let empty = try write("empty.csv", "")
        assertThrows(.invalidHeader(path: empty, detail: "the file is empty; expected a header row naming the columns")) {
            try DelimitedTextReader.read(empty, textColumn: "text", labelColumn: "label", classes: ["0", "1"])
        }
        let missing = directory.appendingPathComponent("nope.csv").path
        assertThrows(.unreadable(path: missing, reason: "No such file or directory")) {
            try DelimitedTextReader.read(missing, textColumn: "text", labelColumn: "label", classes: ["0", "1"])
        }
    }
}
