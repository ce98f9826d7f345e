import Foundation
import XCTest
@testable import Recur
import ZIPFoundation

/// `Fixtures/keras_imdb*.npz` and their `load_data` outputs come from
/// `Scripts/make_keras_imdb_npz.py`, which runs Keras's own `imdb.load_data` source on them.
final class KerasIMDBNpzReaderTests: ReaderTestCase {
    struct Goldens: Decodable {
        struct Raw: Decodable { var x_train: [[Int64]], y_train: [Int64], x_test: [[Int64]], y_test: [Int64] }
        struct Shuffles: Decodable {
            var first: [Int], second: [Int], seed5_25000_head: [Int], seed5_25000_weighted_sum: Int
        }
        struct Options: Decodable {
            var num_words: Int?, skip_top: Int?, maxlen: Int?, seed: UInt32?, index_from: Int?
            var start_char: Int??, oov_char: Int??
            enum CodingKeys: String, CodingKey { case num_words, skip_top, maxlen, seed, index_from, start_char, oov_char }
            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                num_words = try c.decodeIfPresent(Int.self, forKey: .num_words)
                skip_top = try c.decodeIfPresent(Int.self, forKey: .skip_top)
                maxlen = try c.decodeIfPresent(Int.self, forKey: .maxlen)
                seed = try c.decodeIfPresent(UInt32.self, forKey: .seed)
                index_from = try c.decodeIfPresent(Int.self, forKey: .index_from)
                // Present as null means "None"; absent means the default.
                start_char = c.contains(.start_char) ? .some(try c.decodeIfPresent(Int.self, forKey: .start_char)) : nil
                oov_char = c.contains(.oov_char) ? .some(try c.decodeIfPresent(Int.self, forKey: .oov_char)) : nil
            }
            var recur: KerasIMDBNpzReader.Options {
                var o = KerasIMDBNpzReader.Options(numWords: num_words, skipTop: skip_top ?? 0, maxlen: maxlen,
                                                   seed: seed ?? 113, indexFrom: index_from ?? 3)
                if let start_char { o.startChar = start_char }
                if let oov_char { o.oovChar = oov_char }
                return o
            }
        }
        struct Case: Decodable { var options: Options, x_train: [[Int32]], y_train: [Int32], x_test: [[Int32]], y_test: [Int32] }
        var raw: Raw
        var shuffle_seed113: Shuffles
        var cases: [Case]
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    func goldens() throws -> Goldens {
        try JSONDecoder().decode(Goldens.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("keras_imdb_load_data.json")))
    }

    func testShuffleMatchesNumpyRandomState() throws {
        let g = try goldens().shuffle_seed113
        var random = NumpyRandomState(seed: 113)
        XCTAssertEqual(random.shuffledIndices(10), g.first)
        XCTAssertEqual(random.shuffledIndices(7), g.second)
        var other = NumpyRandomState(seed: 5)
        let big = other.shuffledIndices(25_000)
        XCTAssertEqual(Array(big.prefix(8)), g.seed5_25000_head)
        XCTAssertEqual(big.enumerated().reduce(0) { $0 + $1.offset * $1.element }, g.seed5_25000_weighted_sum)
        var first = NumpyRandomState(seed: 113)
        XCTAssertEqual([first.nextUInt32(), first.nextUInt32()], [3_659_249_829, 529_109_724])
    }

    func testEveryPickleFlavourReadsTheSameRawArrays() throws {
        let raw = try goldens().raw
        for name in ["keras_imdb.npz", "keras_imdb_py2.npz", "keras_imdb_protocol2.npz"] {
            let arrays = try KerasIMDBNpzReader.readArrays(Self.fixture(name))
            XCTAssertEqual(arrays.xTrain, raw.x_train, name)
            XCTAssertEqual(arrays.yTrain, raw.y_train, name)
            XCTAssertEqual(arrays.xTest, raw.x_test, name)
            XCTAssertEqual(arrays.yTest, raw.y_test, name)
        }
    }

    func testLoadDataMatchesKerasForEveryOptionSet() throws {
        let goldens = try goldens()
        XCTAssertEqual(goldens.cases.count, 8)
        for golden in goldens.cases {
            let data = try KerasIMDBNpzReader.loadData(Self.fixture("keras_imdb.npz"), options: golden.options.recur)
            let label = "\(golden.options.recur)"
            XCTAssertEqual(data.train.sequences, golden.x_train, label)
            XCTAssertEqual(data.train.labels, golden.y_train, label)
            XCTAssertEqual(data.test.sequences, golden.x_test, label)
            XCTAssertEqual(data.test.labels, golden.y_test, label)
        }
    }

    func testMaxlenThatKeepsNothingIsAnError() throws {
        let path = Self.fixture("keras_imdb.npz")
        assertThrows(.nothingLeft(path: path, detail: "after keeping sequences shorter than maxlen=2, no sequence was kept; increase maxlen")) {
            try KerasIMDBNpzReader.loadData(path, options: .init(maxlen: 2))
        }
    }

    /// Builds an .npz (stored zip) holding the fixture's arrays with one entry replaced.
    func npz(replacing name: String, with bytes: [UInt8]?) throws -> String {
        let source = try Archive(url: URL(fileURLWithPath: Self.fixture("keras_imdb_py2.npz")), accessMode: .read)
        let url = directory.appendingPathComponent("edited-\(UUID().uuidString).npz")
        let target = try Archive(url: url, accessMode: .create)
        for entry in source {
            var data = Data()
            _ = try source.extract(entry) { data.append($0) }
            if entry.path == name {
                guard let bytes else { continue }
                data = Data(bytes)
            }
            try target.addEntry(with: entry.path, type: .file, uncompressedSize: Int64(data.count)) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        return url.path
    }

    func npyEntry(_ name: String) throws -> [UInt8] {
        let source = try Archive(url: URL(fileURLWithPath: Self.fixture("keras_imdb_py2.npz")), accessMode: .read)
        var data = Data()
        _ = try source.extract(source[name]!) { data.append($0) }
        return [UInt8](data)
    }

    func testPickleThatCallsAnythingElseIsRefused() throws {
        var bytes = try npyEntry("x_train.npy")
        let evil = Array("cposix\nsystem\n".utf8)
        let target = Array("cnumpy\nndarray\n".utf8)
        guard let at = (0...(bytes.count - target.count)).first(where: { bytes[$0..<($0 + target.count)].elementsEqual(target) }) else {
            return XCTFail("fixture has no numpy.ndarray global")
        }
        bytes.replaceSubrange(at..<(at + target.count), with: evil)
        let path = try npz(replacing: "x_train.npy", with: bytes)
        do {
            _ = try KerasIMDBNpzReader.loadData(path)
            XCTFail("expected an error")
        } catch let DataError.invalidArray(errorPath, entry, detail) {
            XCTAssertEqual(errorPath, path)
            XCTAssertEqual(entry, "x_train.npy")
            XCTAssertTrue(detail.contains("refusing to load the global posix.system"), detail)
        }
    }

    func testTruncatedPickleAndMissingEntryAndWrongDtypeAreErrors() throws {
        let bytes = try npyEntry("x_test.npy")
        let cut = try npz(replacing: "x_test.npy", with: Array(bytes.prefix(bytes.count - 20)))
        do {
            _ = try KerasIMDBNpzReader.loadData(cut)
            XCTFail("expected an error")
        } catch let DataError.invalidArray(_, entry, detail) {
            XCTAssertEqual(entry, "x_test.npy")
            XCTAssertTrue(detail.contains("pickle"), detail)
        }

        let missing = try npz(replacing: "y_test.npy", with: nil)
        assertThrows(.invalidArray(path: missing, entry: "y_test.npy", detail: "missing; the archive holds ['x_train.npy', 'y_train.npy', 'x_test.npy']")) {
            try KerasIMDBNpzReader.loadData(missing)
        }

        let garbage = try npz(replacing: "y_train.npy", with: Array("hello world".utf8))
        assertThrows(.invalidArray(path: garbage, entry: "y_train.npy", detail: "not a .npy array (no \\x93NUMPY magic)")) {
            try KerasIMDBNpzReader.loadData(garbage)
        }

        var header = Array("\u{93}NUMPY".unicodeScalars.map { UInt8($0.value) }) + [1, 0]
        let dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (12,), }\n".utf8)
        header += [UInt8(dict.count), 0] + dict + [UInt8](repeating: 0, count: 48)
        let wrong = try npz(replacing: "y_train.npy", with: header)
        assertThrows(.invalidArray(path: wrong, entry: "y_train.npy", detail: "expected little-endian integers, found dtype '<f4'")) {
            try KerasIMDBNpzReader.loadData(wrong)
        }
    }

    func testNotAZipIsACorruptArchive() throws {
        let path = try write("imdb.npz", "not a zip at all")
        XCTAssertThrowsError(try KerasIMDBNpzReader.loadData(path)) { error in
            guard case DataError.corruptArchive(path, _)? = error as? DataError else { return XCTFail("\(error)") }
        }
        let missing = directory.appendingPathComponent("none.npz").path
        assertThrows(.unreadable(path: missing, reason: "no such file (Keras keeps it at ~/.keras/datasets/imdb.npz)")) {
            try KerasIMDBNpzReader.loadData(missing)
        }
    }
}
