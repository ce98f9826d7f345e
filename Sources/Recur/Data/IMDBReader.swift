import Foundation

/// One labelled text.
public struct LabeledText: Hashable, Sendable {
    public var text: String
    /// 1 = positive, 0 = negative.
    public var label: Int
    public init(text: String, label: Int) { self.text = text; self.label = label }
}

/// The Stanford Large Movie Review Dataset (aclImdb v1) as distributed: the `.tar.gz` read
/// directly (streamed, nothing unpacked to disk) or an unpacked `aclImdb/` folder. Only the
/// labelled reviews are read (`unsup/` is skipped). Reviews come in path order
/// (`train/neg/…` before `train/pos/…`): shuffle before taking a validation split.
public enum IMDBReader {
    public struct Dataset: Sendable {
        public var train: [LabeledText]
        public var test: [LabeledText]

        /// The training reviews in the order Keras's `imdb.load_data` returns them, shuffled
        /// with its seed 113: the archive is ordered negatives then positives, so without this
        /// a validation split (the last 20%) would be one class.
        public var trainInKerasOrder: [LabeledText] {
            BatchSchedule(exampleCount: train.count, batchSize: 1, shuffle: true, seed: 113, epoch: 0).order.map { train[$0] }
        }
    }

    /// Reads `path`: a `.tar.gz`/`.tgz` archive, or a folder that is (or contains) `aclImdb/`.
    public static func read(_ path: String) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(path: path, reason: "no such file or folder")
        }
        return isDirectory.boolValue ? try readFolder(path) : try readArchive(path)
    }

    public static func readArchive(_ path: String) throws -> Dataset {
        let gzip = try GzipReader(path: path)
        let tar = TarReader(archive: path, chunks: gzip.next)
        var dataset = Dataset(train: [], test: [])
        while let entry = try tar.next() {
            guard entry.isFile, let (split, label) = classify(entry.path) else { continue }
            guard let text = String(validating: entry.contents, as: UTF8.self) else {
                throw DataError.invalidUTF8(path: path, entry: entry.path)
            }
            append(LabeledText(text: text, label: label), split: split, to: &dataset)
        }
        try requireBothSplits(dataset, path: path)
        return dataset
    }

    public static func readFolder(_ path: String) throws -> Dataset {
        let root = URL(fileURLWithPath: path)
        let base = FileManager.default.fileExists(atPath: root.appendingPathComponent("aclImdb").path)
            ? root.appendingPathComponent("aclImdb") : root
        var dataset = Dataset(train: [], test: [])
        for split in ["train", "test"] {
            for (folder, label) in [("neg", 0), ("pos", 1)] {
                let directory = base.appendingPathComponent(split).appendingPathComponent(folder)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                for name in names.sorted() where name.hasSuffix(".txt") {
                    let file = directory.appendingPathComponent(name)
                    let data: Data
                    do { data = try Data(contentsOf: file) } catch {
                        throw DataError.unreadable(path: file.path, reason: "\(error.localizedDescription)")
                    }
                    guard let text = String(validating: [UInt8](data), as: UTF8.self) else {
                        throw DataError.invalidUTF8(path: file.path, entry: name)
                    }
                    append(LabeledText(text: text, label: label), split: split, to: &dataset)
                }
            }
        }
        try requireBothSplits(dataset, path: path)
        return dataset
    }

    /// `aclImdb/<split>/<pos|neg>/<id>_<rating>.txt` → (split, label).
    static func classify(_ path: String) -> (String, Int)? {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts.last!.hasSuffix(".txt") else { return nil }
        let split = parts[parts.count - 3], polarity = parts[parts.count - 2]
        guard split == "train" || split == "test" else { return nil }
        switch polarity {
        case "pos": return (String(split), 1)
        case "neg": return (String(split), 0)
        default: return nil
        }
    }

    static func append(_ review: LabeledText, split: String, to dataset: inout Dataset) {
        if split == "train" { dataset.train.append(review) } else { dataset.test.append(review) }
    }

    static func requireBothSplits(_ dataset: Dataset, path: String) throws {
        if dataset.train.isEmpty { throw DataError.missingSplit(path: path, expected: "train/pos or train/neg reviews") }
        if dataset.test.isEmpty { throw DataError.missingSplit(path: path, expected: "test/pos or test/neg reviews") }
    }
}
