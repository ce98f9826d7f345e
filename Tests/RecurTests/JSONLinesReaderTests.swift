import Foundation
import XCTest
@testable import Recur

final class JSONLinesReaderTests: ReaderTestCase {
    func testStringNumberAndBooleanLabels() throws {
        let path = try write("data.jsonl", """
            {"text": "fine \\"film\\"\\nreally", "label": 1, "id": [1, {"x": null}]}
            {"label": "0", "text": "dull"}

            {"text": "ok", "label": 1.0}\r
            """)
        let file = try JSONLinesReader.read(path, textField: "text", labelField: "label", classes: ["0", "1"])
        XCTAssertEqual(file.examples, [
            LabeledText(text: "fine \"film\"\nreally", label: 1),
            LabeledText(text: "dull", label: 0),
            LabeledText(text: "ok", label: 1),
        ])
        let booleans = try write("bool.jsonl", "{\"review\": \"yes\", \"positive\": true}\n{\"review\": \"no\", \"positive\": false}\n")
        let named = try JSONLinesReader.read(booleans, textField: "review", labelField: "positive", classes: ["false", "true"])
        XCTAssertEqual(named.examples.map(\.label), [1, 0])
    }

    func testErrorsNameFileAndLine() throws {
        let notJSON = try write("a.jsonl", "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"cut\", \n")
        do {
            _ = try JSONLinesReader.read(notJSON, textField: "text", labelField: "label", classes: ["0", "1"])
            XCTFail("expected an error")
        } catch let DataError.malformedLine(path, line, detail) {
            XCTAssertEqual(path, notJSON)
            XCTAssertEqual(line, 2)
            XCTAssertTrue(detail.hasPrefix("not a JSON object"), detail)
        }

        let missing = try write("b.jsonl", "{\"body\": \"x\", \"label\": 1}\n")
        assertThrows(.missingColumn(path: missing, line: 1, column: "text", available: ["body", "label"]), mentioning: ["b.jsonl:1", "no column 'text'"]) {
            try JSONLinesReader.read(missing, textField: "text", labelField: "label", classes: ["0", "1"])
        }
        let unknown = try write("c.jsonl", "{\"text\": \"x\", \"label\": 1}\n{\"text\": \"y\", \"label\": 2}\n")
        assertThrows(.unknownLabel(path: unknown, line: 2, value: "2", classes: ["0", "1"]), mentioning: ["c.jsonl:2", "'2'"]) {
            try JSONLinesReader.read(unknown, textField: "text", labelField: "label", classes: ["0", "1"])
        }
        let notString = try write("d.jsonl", "{\"text\": 5, \"label\": 1}\n")
        assertThrows(.malformedLine(path: notString, line: 1, detail: "field 'text' is not a string")) {
            try JSONLinesReader.read(notString, textField: "text", labelField: "label", classes: ["0", "1"])
        }
        let nullLabel = try write("e.jsonl", "{\"text\": \"x\", \"label\": null}\n")
        assertThrows(.malformedLine(path: nullLabel, line: 1, detail: "field 'label' is null")) {
            try JSONLinesReader.read(nullLabel, textField: "text", labelField: "label", classes: ["0", "1"])
        }
        let badBytes = try write("f.jsonl", Array("{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"".utf8) + [0xC3, 0x28] + Array("\", \"label\": 0}\n".utf8))
        assertThrows(.invalidUTF8(path: badBytes, entry: "line 2")) {
            try JSONLinesReader.read(badBytes, textField: "text", labelField: "label", classes: ["0", "1"])
        }
    }

    func testLenientModeCountsSkippedLines() throws {
        let path = try write("mixed.jsonl", "{\"text\": \"a\", \"label\": 1}\n[1, 2]\n{\"text\": \"b\", \"label\": 7}\n{\"text\": \"c\", \"label\": 0}\n")
        let file = try JSONLinesReader.read(path, textField: "text", labelField: "label", classes: ["0", "1"], mode: .lenient)
        XCTAssertEqual(file.examples.map(\.text), ["a", "c"])
        XCTAssertEqual(file.skippedCount, 2)
        XCTAssertEqual(file.skippedProblems.last, .unknownLabel(path: path, line: 3, value: "7", classes: ["0", "1"]))
    }
}
