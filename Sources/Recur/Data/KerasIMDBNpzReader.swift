import Foundation
import ZIPFoundation

/// Keras's cached IMDB dataset, `~/.keras/datasets/imdb.npz`, read as
/// `keras.datasets.imdb.load_data` reads it, so a Keras user's download works unchanged and
/// gives the same sequences in the same order: the arrays `x_train`, `y_train`, `x_test`,
/// `y_test` (x: pickled object arrays of word-index lists, read by a pickle decoder that runs
/// no code), shuffled with NumPy's `RandomState(seed)`, then `start_char`, `index_from`,
/// `maxlen` (keeps sequences *shorter* than it, start character included), `num_words` and
/// `skip_top` applied exactly as Keras does — including its quirk that without `num_words`
/// the highest index becomes the OOV character.
public enum KerasIMDBNpzReader {
    /// `load_data`'s arguments, with its defaults.
    public struct Options: Hashable, Sendable {
        /// Keep indices below this; nil keeps all (Keras: `num_words=None`).
        public var numWords: Int?
        public var skipTop: Int
        /// Keep only sequences shorter than this; nil (or 0) keeps all.
        public var maxlen: Int?
        public var seed: UInt32
        /// Marks the start of every sequence; nil for none.
        public var startChar: Int?
        /// Replaces words cut by `numWords`/`skipTop`; nil drops them instead.
        public var oovChar: Int?
        public var indexFrom: Int

        public init(numWords: Int? = nil, skipTop: Int = 0, maxlen: Int? = nil, seed: UInt32 = 113,
                    startChar: Int? = 1, oovChar: Int? = 2, indexFrom: Int = 3) {
            self.numWords = numWords; self.skipTop = skipTop; self.maxlen = maxlen; self.seed = seed
            self.startChar = startChar; self.oovChar = oovChar; self.indexFrom = indexFrom
        }
    }

    public struct Split: Sendable, Equatable {
        public var sequences: [[Int32]]
        /// 1 = positive, 0 = negative.
        public var labels: [Int32]
    }

    public struct Dataset: Sendable, Equatable {
        public var train: Split
        public var test: Split
    }

    /// The four arrays as stored, before `load_data`'s processing.
    struct RawArrays {
        var xTrain: [[Int64]], yTrain: [Int64], xTest: [[Int64]], yTest: [Int64]
    }

    /// `keras.datasets.imdb.load_data(path, …)`.
    public static func loadData(_ path: String, options: Options = Options()) throws -> Dataset {
        try process(try readArrays(path), options: options, path: path)
    }

    static func readArrays(_ path: String) throws -> RawArrays {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataError.unreadable(path: path, reason: "no such file (Keras keeps it at ~/.keras/datasets/imdb.npz)")
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw DataError.corruptArchive(path: path, detail: "not a zip (.npz) file: \(error)")
        }
        func entry(_ name: String) throws -> [UInt8] {
            guard let entry = archive["\(name).npy"] else {
                let names = archive.map(\.path)
                throw DataError.invalidArray(path: path, entry: "\(name).npy", detail: "missing; the archive holds \(DataError.list(names))")
            }
            var data = Data()
            data.reserveCapacity(Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry, consumer: { data.append($0) })
            } catch {
                throw DataError.corruptArchive(path: path, detail: "cannot extract \(name).npy: \(error)")
            }
            return [UInt8](data)
        }
        let raw = RawArrays(
            xTrain: try NumpyArrayFile.integerLists(try entry("x_train"), path: path, entry: "x_train.npy"),
            yTrain: try NumpyArrayFile.integers(try entry("y_train"), path: path, entry: "y_train.npy"),
            xTest: try NumpyArrayFile.integerLists(try entry("x_test"), path: path, entry: "x_test.npy"),
            yTest: try NumpyArrayFile.integers(try entry("y_test"), path: path, entry: "y_test.npy"))
        guard raw.xTrain.count == raw.yTrain.count else {
            throw DataError.invalidArray(path: path, entry: "y_train.npy", detail: "\(raw.yTrain.count) labels for \(raw.xTrain.count) sequences")
        }
        guard raw.xTest.count == raw.yTest.count else {
            throw DataError.invalidArray(path: path, entry: "y_test.npy", detail: "\(raw.yTest.count) labels for \(raw.xTest.count) sequences")
        }
        return raw
    }

    /// `load_data`'s processing after `np.load`, step for step.
    static func process(_ raw: RawArrays, options: Options, path: String) throws -> Dataset {
        var random = NumpyRandomState(seed: options.seed)
        let trainOrder = random.shuffledIndices(raw.xTrain.count)
        let testOrder = random.shuffledIndices(raw.xTest.count)

        func shifted(_ x: [Int64]) -> [Int64] {
            let words = x.map { $0 + Int64(options.indexFrom) }
            return options.startChar.map { [Int64($0)] + words } ?? words
        }
        var xTrain = trainOrder.map { shifted(raw.xTrain[$0]) }, yTrain = trainOrder.map { raw.yTrain[$0] }
        var xTest = testOrder.map { shifted(raw.xTest[$0]) }, yTest = testOrder.map { raw.yTest[$0] }

        if let maxlen = options.maxlen, maxlen != 0 {
            func keepShort(_ x: inout [[Int64]], _ y: inout [Int64]) {
                let kept = x.indices.filter { x[$0].count < maxlen }
                x = kept.map { x[$0] }
                y = kept.map { y[$0] }
            }
            keepShort(&xTrain, &yTrain)
            keepShort(&xTest, &yTest)
            if xTrain.isEmpty || xTest.isEmpty {
                throw DataError.nothingLeft(path: path, detail: "after keeping sequences shorter than maxlen=\(maxlen), no sequence was kept; increase maxlen")
            }
        }

        let limit: Int64
        if let numWords = options.numWords, numWords != 0 {
            limit = Int64(numWords)
        } else {
            limit = (xTrain + xTest).lazy.compactMap { $0.max() }.max() ?? 0
        }
        let skipTop = Int64(options.skipTop)
        func cut(_ x: [[Int64]]) throws -> [[Int32]] {
            try x.map { sequence in
                var result: [Int32] = []
                result.reserveCapacity(sequence.count)
                for w in sequence {
                    if skipTop <= w && w < limit {
                        guard let index = Int32(exactly: w) else {
                            throw DataError.invalidArray(path: path, entry: "x_train.npy", detail: "word index \(w) does not fit in 32 bits")
                        }
                        result.append(index)
                    } else if let oov = options.oovChar {
                        result.append(Int32(oov))
                    }
                }
                return result
            }
        }
        func labels(_ y: [Int64]) -> [Int32] { y.map { Int32(truncatingIfNeeded: $0) } }
        return Dataset(train: Split(sequences: try cut(xTrain), labels: labels(yTrain)),
                       test: Split(sequences: try cut(xTest), labels: labels(yTest)))
    }
}
