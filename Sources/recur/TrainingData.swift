import Foundation
import Recur

/// The labelled texts `recur train` reads, from any form the data pipeline knows.
struct TrainingData {
    var train: [LabeledText]
    /// The held-out set the file provides (IMDB's test split), when there is one.
    var test: [LabeledText]?
    var description: String

    /// - Parameters: path: the IMDB archive or folder, a `.csv`/`.tsv`/`.jsonl` file (with the
    ///   column names and classes), or the prefix of `name.pos` / `name.neg` files.
    static func load(_ path: String, textColumn: String, labelColumn: String, classes: [String]) throws -> TrainingData {
        let lower = path.lowercased()
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") || (exists && isDirectory.boolValue) {
            let imdb = try IMDBReader.read(path)
            return TrainingData(train: imdb.trainInKerasOrder, test: imdb.test,
                                description: "IMDB: \(imdb.train.count) training and \(imdb.test.count) test reviews")
        }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") {
            let file = try DelimitedTextReader.read(path, textColumn: textColumn, labelColumn: labelColumn, classes: classes)
            return TrainingData(train: file.examples, test: nil, description: file.summary)
        }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            let file = try JSONLinesReader.read(path, textField: textColumn, labelField: labelColumn, classes: classes)
            return TrainingData(train: file.examples, test: nil, description: file.summary)
        }
        if FileManager.default.fileExists(atPath: path + ".pos") || FileManager.default.fileExists(atPath: path + ".neg") {
            let file = try PairedClassFilesReader.read(prefix: path)
            return TrainingData(train: file.examples, test: nil, description: file.summary)
        }
        throw CommandFailure("no dataset at \(path): expected the IMDB archive or folder, a .csv/.tsv/.jsonl file, or the prefix of name.pos/name.neg files")
    }
}
