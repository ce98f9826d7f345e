import Foundation
import XCTest
@testable import Recur

final class IMDBReaderTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-imdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Writes an aclImdb-shaped tree (plus the parts a reader must skip) and packs it with tar + gzip.
    func makeArchive(extra: [String: [UInt8]] = [:]) throws -> URL {
        var files: [String: [UInt8]] = [
            "aclImdb/README": Array("readme".utf8),
            "aclImdb/imdb.vocab": Array("the\nand".utf8),
            "aclImdb/train/pos/0_9.txt": Array("Bromwell High is a cartoon comedy.".utf8),
            "aclImdb/train/pos/1_7.txt": Array("Café au lait — naïve <br />fun".utf8),
            "aclImdb/train/neg/0_3.txt": Array("Story of a man who has unnatural feelings.".utf8),
            "aclImdb/train/unsup/0_0.txt": Array("unlabelled".utf8),
            "aclImdb/train/urls_pos.txt": Array("http://example/0".utf8),
            "aclImdb/test/neg/0_2.txt": Array("Once again Mr. Costner has dragged out a movie.".utf8),
            "aclImdb/test/pos/0_10.txt": Array("I went and saw this movie last night.".utf8),
        ]
        files.merge(extra) { $1 }
        for (path, bytes) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        let archive = directory.appendingPathComponent("aclImdb_v1.tar.gz")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "--format=gnu", "-czf", archive.path, "-C", directory.path, "aclImdb"]
        try tar.run(); tar.waitUntilExit()
        XCTAssertEqual(tar.terminationStatus, 0)
        return archive
    }

    func testArchiveYieldsLabelledReviewsAndSkipsTheRest() throws {
        let data = try IMDBReader.read(try makeArchive().path)
        XCTAssertEqual(data.train.count, 3)
        XCTAssertEqual(data.test.count, 2)
        XCTAssertEqual(data.train.filter { $0.label == 1 }.count, 2)
        XCTAssertTrue(data.train.contains(LabeledText(text: "Café au lait — naïve <br />fun", label: 1)))
        XCTAssertTrue(data.test.contains(LabeledText(text: "Once again Mr. Costner has dragged out a movie.", label: 0)))
        XCTAssertFalse(data.train.contains { $0.text == "unlabelled" })
    }

    func testUnpackedFolderReadsTheSameAsTheArchive() throws {
        let fromArchive = try IMDBReader.read(try makeArchive().path)
        let fromFolder = try IMDBReader.read(directory.path)
        XCTAssertEqual(Set(fromArchive.train), Set(fromFolder.train))
        XCTAssertEqual(Set(fromArchive.test), Set(fromFolder.test))
    }

    func testLongGNUNamesAreRead() throws {
        let long = "aclImdb/train/pos/" + String(repeating: "9", count: 120) + "_8.txt"
        let data = try IMDBReader.read(try makeArchive(extra: [long: Array("long name".utf8)]).path)
        XCTAssertTrue(data.train.contains(LabeledText(text: "long name", label: 1)))
    }

    func testTruncatedArchiveIsAnErrorNamingTheFile() throws {
        let archive = try makeArchive()
        let bytes = try Data(contentsOf: archive)
        let cut = directory.appendingPathComponent("cut.tar.gz")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        XCTAssertThrowsError(try IMDBReader.read(cut.path)) { error in
            guard case DataError.truncatedArchive(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, cut.path)
            XCTAssertTrue("\(error)".contains("download it again"))
        }
    }

    func testCorruptedBytesAreAnErrorNotACrash() throws {
        let archive = try makeArchive()
        var bytes = [UInt8](try Data(contentsOf: archive))
        for i in stride(from: 20, to: bytes.count - 8, by: 7) { bytes[i] ^= 0x5A }
        let bad = directory.appendingPathComponent("bad.tar.gz")
        try Data(bytes).write(to: bad)
        XCTAssertThrowsError(try IMDBReader.read(bad.path))
        let notGzip = directory.appendingPathComponent("plain.tar.gz")
        try Data("this is not gzip".utf8).write(to: notGzip)
        XCTAssertThrowsError(try IMDBReader.read(notGzip.path)) { XCTAssertTrue("\($0)".contains("plain.tar.gz")) }
    }

    func testInvalidUTF8NamesTheEntry() throws {
        let archive = try makeArchive(extra: ["aclImdb/test/neg/7_1.txt": [0x66, 0xFF, 0xFE, 0x66]])
        XCTAssertThrowsError(try IMDBReader.read(archive.path)) { error in
            XCTAssertEqual(error as? DataError, .invalidUTF8(path: archive.path, entry: "aclImdb/test/neg/7_1.txt"))
        }
    }

    func testMissingPathSaysSo() {
        XCTAssertThrowsError(try IMDBReader.read("/nonexistent/aclImdb_v1.tar.gz")) { XCTAssertTrue("\($0)".contains("no such file")) }
    }

    /// The real archive from `../shared/data/imdb` (skipped when it is not there).
    func testRealArchiveHas25000TrainingAnd25000TestReviewsBalanced() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/data/imdb/aclImdb_v1.tar.gz").standardized.path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "IMDB archive not found at \(path) (it lives in ../shared/data/imdb)")
        let data = try IMDBReader.read(path)
        XCTAssertEqual(data.train.count, 25_000)
        XCTAssertEqual(data.test.count, 25_000)
        XCTAssertEqual(data.train.filter { $0.label == 1 }.count, 12_500)
        XCTAssertEqual(data.test.filter { $0.label == 1 }.count, 12_500)
        XCTAssertTrue(data.train.contains { $0.text.hasPrefix("Bromwell High is a cartoon comedy.") })
    }
}
