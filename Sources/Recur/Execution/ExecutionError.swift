/// Why a model cannot be run as asked.
public enum ExecutionError: Error, CustomStringConvertible, Equatable {
    case unsupported(layer: String, reason: String)
    case missingWeight(path: String)
    case weightShape(path: String, expected: Int, found: Int)
    case inputShape(expected: String, found: String)

    public var description: String {
        switch self {
        case let .unsupported(layer, reason): return "layer '\(layer)' cannot run: \(reason)"
        case let .missingWeight(path): return "no values for weight '\(path)'"
        case let .weightShape(path, expected, found): return "weight '\(path)' needs \(expected) values, got \(found)"
        case let .inputShape(expected, found): return "input expected \(expected), found \(found)"
        }
    }
}
