/// Problems with a dataset file. Each message names the file and, where it applies, the entry
/// or line, says what was expected and what was found.
public enum DataError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case truncatedArchive(path: String, detail: String)
    case corruptArchive(path: String, detail: String)
    case invalidUTF8(path: String, entry: String)
    case missingSplit(path: String, expected: String)

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
        }
    }
}
