/// Problems with a dataset or embeddings file. Each message names the file and, where it
/// applies, the entry or line, says what was expected and what was found.
public enum DataError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case truncatedArchive(path: String, detail: String)
    case corruptArchive(path: String, detail: String)
    case invalidUTF8(path: String, entry: String)
    case missingSplit(path: String, expected: String)
    /// A `.npy` array inside an `.npz` that is not what Keras writes (or a pickle that is not a
    /// plain object array of integer lists).
    case invalidArray(path: String, entry: String, detail: String)
    /// A header (CSV header row, word2vec `V D` line, …) that cannot be used.
    case invalidHeader(path: String, detail: String)
    /// A named column or field that the header or record does not have.
    case missingColumn(path: String, line: Int, column: String, available: [String])
    case wrongFieldCount(path: String, line: Int, expected: Int, found: Int)
    case unknownLabel(path: String, line: Int, value: String, classes: [String])
    /// A line that cannot be parsed (bad quoting, not JSON, …).
    case malformedLine(path: String, line: Int, detail: String)
    /// An embeddings line whose vector does not have the length of the ones before it.
    case vectorLengthChanged(path: String, line: Int, word: String, expected: Int, found: Int)
    case invalidNumber(path: String, line: Int, word: String, value: String)
    /// A word2vec binary file that ends inside a record.
    case truncatedRecord(path: String, record: Int, detail: String)
    /// A word2vec binary record that cannot be used (no word delimiter, a non-finite value).
    case invalidRecord(path: String, record: Int, detail: String)
    /// A reading option that leaves nothing usable (Keras's `maxlen` that keeps no sequence).
    case nothingLeft(path: String, detail: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .truncatedArchive(path, detail):
            return "\(path) is truncated (\(detail)); download it again"
        case let .corruptArchive(path, detail):
            return "\(path) is not a valid archive (\(detail))"
        case let .invalidUTF8(path, entry):
            return "\(path): \(entry) is not valid UTF-8"
        case let .missingSplit(path, expected):
            return "\(path) has no \(expected); expected the aclImdb layout (aclImdb/train/pos, …)"
        case let .invalidArray(path, entry, detail):
            return "\(path): \(entry): \(detail)"
        case let .invalidHeader(path, detail):
            return "\(path): \(detail)"
        case let .missingColumn(path, line, column, available):
            return "\(path):\(line): no column '\(column)'; the columns are \(Self.list(available))"
        case let .wrongFieldCount(path, line, expected, found):
            return "\(path):\(line): expected \(expected) fields as in the header, found \(found)"
        case let .unknownLabel(path, line, value, classes):
            return "\(path):\(line): label '\(value)' is not one of the classes \(Self.list(classes))"
        case let .malformedLine(path, line, detail):
            return "\(path):\(line): \(detail)"
        case let .vectorLengthChanged(path, line, word, expected, found):
            return "\(path):\(line): the vector of '\(word)' has \(found) values, the ones before it \(expected)"
        case let .invalidNumber(path, line, word, value):
            return "\(path):\(line): '\(value)' in the vector of '\(word)' is not a finite number"
        case let .truncatedRecord(path, record, detail):
            return "\(path): the file ends inside record \(record) (\(detail)); it is truncated or not word2vec binary"
        case let .invalidRecord(path, record, detail):
            return "\(path): record \(record): \(detail)"
        case let .nothingLeft(path, detail):
            return "\(path): \(detail)"
        }
    }

    static func list(_ names: [String]) -> String {
        "[" + names.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }
}
