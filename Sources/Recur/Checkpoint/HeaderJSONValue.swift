import Foundation

/// Any JSON value, decoded without losing the difference between `true`, `1` and `1.0`, so the
/// header validator can say exactly what it found where it wanted something else.
enum HeaderJSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([HeaderJSONValue])
    case object([String: HeaderJSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([HeaderJSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: HeaderJSONValue].self))
        }
    }

    /// What kind of value this is, for error messages: "string", "array", …
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The value as a non-negative integer, or nil.
    var nonNegativeInteger: Int? {
        if case let .integer(value) = self, value >= 0 { return value }
        return nil
    }
}
