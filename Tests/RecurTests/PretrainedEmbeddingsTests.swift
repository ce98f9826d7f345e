import Foundation
import XCTest
@testable import Recur

final class PretrainedEmbeddingsTests: ReaderTestCase {
    /// Ranks: the (3) movie (2) good (1) bad (1); with the OOV token: [OOV]=1 the=2 movie=3 good=4 bad=5.
    func tokenizer(numWords: Int? = nil, oov: String? = "[OOV]") -> Tokenizer {
        var tokenizer = Tokenizer(Tokenizer.Configuration(numWords: numWords, oovToken: oov))
        tokenizer.fit(on: ["the movie the", "good movie the bad"])
        return tokenizer
    }

    /// word2vec's binary layout, written byte for byte: "V D\n", then "word " + D float32 LE + "\n".
    func word2vecBinary(_ vectors: [(String, [Float])], header: String? = nil, newline: Bool = true) -> [UInt8] {
        var bytes = Array((header ?? "\(vectors.count) \(vectors.first?.1.count ?? 0)\n").utf8)
        for (word, vector) in vectors {
            bytes += Array(word.utf8) + [0x20]
            for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
            if newline { bytes.append(0x0A) }
        }
        return bytes
    }

    let vectors: [(String, [Float])] = [
        ("movie", [0.5, -1.25, 3]), ("The", [9, 9, 9]), ("bad", [-0.125, 2e-3, 1e10]),
        ("unrelated", [1, 2, 3]), ("the", [1, 0, -1]),
    ]

    func assertRows(_ e: PretrainedEmbeddings, rows: Int, _ expected: [Int: [Float]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(e.rows, rows, file: file, line: line)
        XCTAssertEqual(e.dimension, 3, file: file, line: line)
        XCTAssertEqual(e.matrix.count, rows * 3, file: file, line: line)
        for row in 0..<rows {
            XCTAssertEqual(Array(e.vector(row: row)), expected[row] ?? [0, 0, 0], "row \(row)", file: file, line: line)
        }
    }

    func testWord2VecBinaryRowsFollowTheTokenizerIndex() throws {
        for newline in [true, false] {
            let path = try write("vectors-\(newline).bin", word2vecBinary(vectors, newline: newline))
            let e = try PretrainedEmbeddings.read(path, format: .word2vecBinary, for: tokenizer())
            // Rows: 0 padding, 1 [OOV], 2 the, 3 movie, 4 good, 5 bad. "The" is not "the".
            assertRows(e, rows: 6, [2: [1, 0, -1], 3: [0.5, -1.25, 3], 5: [-0.125, 2e-3, 1e10]])
            XCTAssertEqual(e.foundCount, 3)
            XCTAssertEqual(e.missingWords, ["[OOV]", "good"])
            XCTAssertEqual(e.vectorsInFile, 5)
            XCTAssertTrue(e.summary.hasPrefix("found 3 of 5 words (60.0%) in \(path) (5 vectors of 3 values); matrix 6 × 3"), e.summary)
        }
    }

    func testNumWordsLimitsRowsAsKerasDoes() throws {
        let path = try write("vectors.bin", word2vecBinary(vectors))
        let e = try PretrainedEmbeddings.read(path, format: .word2vecBinary, for: tokenizer(numWords: 4, oov: nil))
        // Without OOV: the=1 movie=2 good=3 (bad=4 is cut by num_words=4).
        assertRows(e, rows: 4, [1: [1, 0, -1], 2: [0.5, -1.25, 3]])
        XCTAssertEqual(e.missingWords, ["good"])
    }

    func testTextFormatsGiveTheSameMatrixAsBinary() throws {
        let binary = try PretrainedEmbeddings.read(try write("v.bin", word2vecBinary(vectors)), format: .word2vecBinary, for: tokenizer())
        let lines = vectors.map { word, v in ([word] + v.map { "\($0)" }).joined(separator: " ") }
        let text = try write("v.txt", "5 3\n" + lines.map { $0 + " \r\n" }.joined())
        let glove = try write("glove.txt", lines.joined(separator: "\n"))
        for (path, format) in [(text, EmbeddingFileFormat.word2vecText), (glove, .glove)] {
            let e = try PretrainedEmbeddings.read(path, format: format, for: tokenizer())
            XCTAssertEqual(e.matrix, binary.matrix, "\(format)")
            XCTAssertEqual(e.missingWords, binary.missingWords)
        }
    }

    func testGloveWordsWithSpacesAndDuplicatesKeepTheFirst() throws {
        let path = try write("glove.840B.txt", "movie 1 2 3\n. . . 4 5 6\nmovie 7 8 9\nthe 0.25 0.5 1e-2\n")
        let e = try PretrainedEmbeddings.read(path, format: .glove, rowWords: [nil, ". . .", "movie", "the"])
        XCTAssertEqual(e.matrix, [0, 0, 0, 4, 5, 6, 1, 2, 3, 0.25, 0.5, 0.01])
        XCTAssertEqual(e.duplicateWords, 1)
        XCTAssertEqual(e.foundCount, 3)
    }

    func testVectorLengthThatChangesMidwayNamesFileLineAndWord() throws {
        let glove = try write("glove.txt", "the 1 2 3\nmovie 1 2\ngood 1 2 3\n")
        assertThrows(.vectorLengthChanged(path: glove, line: 2, word: "movie", expected: 3, found: 2),
                     mentioning: ["glove.txt:2", "'movie' has 2 values, the ones before it 3"]) {
            try PretrainedEmbeddings.read(glove, format: .glove, for: tokenizer())
        }
        // Longer, with a number second: not a word with spaces.
        let text = try write("w2v.txt", "3 3\nthe 1 2 3\nzzz 1 2 3 4\ngood 1 2 3\n")
        assertThrows(.vectorLengthChanged(path: text, line: 3, word: "zzz", expected: 3, found: 4)) {
            try PretrainedEmbeddings.read(text, format: .word2vecText, for: tokenizer())
        }
        let lenient = try PretrainedEmbeddings.read(text, format: .word2vecText, for: tokenizer(), mode: .lenient)
        XCTAssertEqual(lenient.skippedCount, 1)
        XCTAssertEqual(Array(lenient.vector(row: 4)), [1, 2, 3])
        XCTAssertTrue(lenient.summary.contains("skipped 1 bad line"), lenient.summary)
    }

    func testNonNumericValueIsAnError() throws {
        let path = try write("glove.txt", "the 1 2 3\nmovie 1 two 3\nbad 1 2 3\n")
        assertThrows(.invalidNumber(path: path, line: 2, word: "movie", value: "two"), mentioning: ["glove.txt:2", "'two'"]) {
            try PretrainedEmbeddings.read(path, format: .glove, for: tokenizer())
        }
        let nan = try write("nan.txt", "the 1 nan 3\n")
        assertThrows(.invalidNumber(path: nan, line: 1, word: "the", value: "nan")) {
            try PretrainedEmbeddings.read(nan, format: .glove, for: tokenizer())
        }
        let lenient = try PretrainedEmbeddings.read(path, format: .glove, for: tokenizer(), mode: .lenient)
        XCTAssertEqual(lenient.skippedCount, 1)
        XCTAssertEqual(lenient.missingWords, ["[OOV]", "movie", "good"])
    }

    func testTruncatedBinaryRecordIsAnError() throws {
        let whole = word2vecBinary(vectors)
        let path = try write("cut.bin", Array(whole.dropLast(6)))
        assertThrows(.truncatedRecord(path: path, record: 5, detail: "record 5 of 5 has 7 of its 12 vector bytes"),
                     mentioning: ["cut.bin", "ends inside record 5"]) {
            try PretrainedEmbeddings.read(path, format: .word2vecBinary, for: tokenizer())
        }
        let lenient = try PretrainedEmbeddings.read(path, format: .word2vecBinary, for: tokenizer(), mode: .lenient)
        XCTAssertEqual(lenient.skippedCount, 1)
        XCTAssertEqual(lenient.foundCount, 2)

        let short = try write("short.bin", word2vecBinary(Array(vectors.prefix(2)), header: "3 3\n"))
        assertThrows(.truncatedRecord(path: short, record: 3, detail: "record 3 of 3 has no word")) {
            try PretrainedEmbeddings.read(short, format: .word2vecBinary, for: tokenizer())
        }
    }

    func testHeadersAreChecked() throws {
        let glove = try write("glove.txt", "the 1 2 3\n")
        assertThrows(.invalidHeader(path: glove, detail: "line 1 should be the 'V D' header (vector count and dimension), found 'the 1 2 3'; a GloVe file has no header: read it as .glove")) {
            try PretrainedEmbeddings.read(glove, format: .word2vecText, for: tokenizer())
        }
        let text = try write("w2v.txt", "1 3\nthe 1 2 3\n")
        assertThrows(.invalidHeader(path: text, detail: "line 1 looks like a word2vec 'V D' header; read the file as .word2vecText")) {
            try PretrainedEmbeddings.read(text, format: .glove, for: tokenizer())
        }
        let wrongCount = try write("count.txt", "4 3\nthe 1 2 3\n")
        assertThrows(.invalidHeader(path: wrongCount, detail: "the header says 4 vectors but the file has 1; it is truncated or the header is wrong")) {
            try PretrainedEmbeddings.read(wrongCount, format: .word2vecText, for: tokenizer())
        }
        let binary = try write("text.bin", "the 1 2 3\n")
        XCTAssertThrowsError(try PretrainedEmbeddings.read(binary, format: .word2vecBinary, for: tokenizer())) { error in
            XCTAssertTrue("\(error)".contains("'V D' header"), "\(error)")
        }
    }

    func testNonFiniteBinaryValueIsAnError() throws {
        let path = try write("inf.bin", word2vecBinary([("the", [1, .infinity, 0])]))
        assertThrows(.invalidRecord(path: path, record: 1, detail: "the vector of 'the' has a value that is not a finite number")) {
            try PretrainedEmbeddings.read(path, format: .word2vecBinary, for: tokenizer())
        }
    }

    /// A file much larger than the read buffer: lines that straddle buffer refills must parse.
    func testLargeTextFileStreamsThroughTheBuffer() throws {
        var text = ""
        let dimension = 50
        for i in 0..<30_000 {
            text += "w\(i)"
            for k in 0..<dimension { text += " \(Float(i % 97) + Float(k) / 64)" }
            text += "\n"
        }
        let path = try write("big.txt", text)
        let rowWords: [String?] = [nil, "w29999", "w0", "w12345", "absent"]
        let start = Date()
        let e = try PretrainedEmbeddings.read(path, format: .glove, rowWords: rowWords)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(e.vectorsInFile, 30_000)
        XCTAssertEqual(e.foundCount, 3)
        XCTAssertEqual(e.vector(row: 3).first, Float(12345 % 97))
        XCTAssertEqual(e.vector(row: 1).last, Float(29999 % 97) + 49 / 64)
        XCTAssertEqual(e.missingWords, ["absent"])
    }

    func testTheFormatIsGuessedFromTheNameAndTheFirstLine() throws {
        XCTAssertEqual(try EmbeddingFileFormat(guessingFrom: "/anywhere/GoogleNews-vectors-negative300.bin"), .word2vecBinary)
        XCTAssertEqual(try EmbeddingFileFormat(guessingFrom: try write("w2v.txt", "2 3\nthe 1 2 3\nmovie 4 5 6\n")), .word2vecText)
        XCTAssertEqual(try EmbeddingFileFormat(guessingFrom: try write("glove.txt", "the 1 2 3\nmovie 4 5 6\n")), .glove)
        XCTAssertThrowsError(try EmbeddingFileFormat(guessingFrom: "/nonexistent/vectors.txt"))
    }
}
