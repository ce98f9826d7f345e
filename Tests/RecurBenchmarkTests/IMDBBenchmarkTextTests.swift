import XCTest
import Recur
@testable import RecurBenchmark

final class IMDBBenchmarkTextTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("imdb-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// An unpacked `aclImdb/` with `count` training reviews: review `i` is "common" then `i + 1`
    /// words of its own (so its length says which review it is), positive when `i` is odd.
    func makeFolder(reviews count: Int) throws -> String {
        for i in 0..<count {
            let folder = directory.appendingPathComponent("aclImdb/train/\(i % 2 == 1 ? "pos" : "neg")")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let words = ["common"] + (0...i).map { "w\(i)x\($0)" }
            try Data(words.joined(separator: " ").utf8).write(to: folder.appendingPathComponent("\(i)_1.txt"))
        }
        let test = directory.appendingPathComponent("aclImdb/test/pos")
        try FileManager.default.createDirectory(at: test, withIntermediateDirectories: true)
        try Data("unused".utf8).write(to: test.appendingPathComponent("0_9.txt"))
        return directory.path
    }

    /// The preset's first reviews in Keras's order, padded before the text, fed as `fit` feeds a
    /// batch: by decreasing padding (shortest review first), ties in Keras's order.
    func testABatchIsThePresetsFirstReviewsPaddedBeforeTheTextShortestFirst() throws {
        let path = try makeFolder(reviews: 40)
        let text = try IMDBBenchmarkText(path: path)
        let batch = try text.batch(for: .bilstm)
        let (rows, time) = (ReferencePreset.bilstm.batchSize, ReferencePreset.bilstm.maxlen)
        XCTAssertEqual(batch.source, .imdb)
        XCTAssertEqual(batch.tokenIDs.count, rows * time)
        XCTAssertEqual(batch.labels.count, rows)
        let first = Array(try IMDBReader.read(path).trainInKerasOrder.prefix(rows))
        let expected = first.enumerated().sorted { a, b in
            let (x, y) = (a.element.text.split(separator: " ").count, b.element.text.split(separator: " ").count)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        XCTAssertNotEqual(expected.map(\.text), first.map(\.text), "the fixture's first reviews do not come shortest first")
        for row in 0..<rows {
            let ids = batch.tokenIDs[(row * time)..<((row + 1) * time)]
            let words = expected[row].text.split(separator: " ").count
            // Keras's pad_sequences pads before the text, and the most frequent word is id 1.
            XCTAssertTrue(ids.prefix(time - words).allSatisfy { $0 == 0 }, "row \(row)")
            XCTAssertEqual(ids.dropFirst(time - words).first, 1, "row \(row)")
            XCTAssertTrue(ids.suffix(words).allSatisfy { $0 > 0 && $0 < ReferencePreset.bilstm.vocabulary }, "row \(row)")
            XCTAssertEqual(batch.labels[row], Float(expected[row].label), "row \(row)")
        }
        let benchmark = try BenchmarkCase.preset(.bilstm).on(batch)
        XCTAssertEqual(benchmark.data.tokenIDs, batch.tokenIDs)
    }

    func testTooFewReviewsAndMismatchedShapesAreErrors() throws {
        let text = try IMDBBenchmarkText(path: try makeFolder(reviews: 40))
        XCTAssertThrowsError(try text.batch(for: .lstmIMDB)) { XCTAssertTrue("\($0)".contains("needs a batch of 128"), "\($0)") }
        let bilstm = try text.batch(for: .bilstm)
        XCTAssertThrowsError(try BenchmarkCase.preset(.stackedBiLSTM).on(bilstm)) { XCTAssertTrue("\($0)".contains("stacked-bilstm"), "\($0)") }
    }

    /// Real reviews repeat their words: a bilstm batch from the archive has far fewer distinct
    /// ids than the random batch, which is why the harness can time both.
    func testRealReviewsHaveFewerDistinctTokensThanRandomIDs() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/data/imdb/aclImdb_v1.tar.gz").standardized.path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "IMDB archive not found at \(path) (it lives in ../shared/data/imdb)")
        let batch = try IMDBBenchmarkText(path: path).batch(for: .bilstm)
        let random = try BenchmarkCase.preset(.bilstm).data
        XCTAssertLessThan(batch.distinctTokens * 3, random.distinctTokens * 2)
        XCTAssertTrue(batch.tokenIDs.contains(0), "short reviews are padded")
    }
}
