/// A JSON value whose objects keep their key order, so written Keras configs read in the order
/// Keras writes them. Serialized the way Python's `json.dumps` does (`", "` and `": "`).
indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }
    func hash(into hasher: inout Hasher) { hasher.combine(serialized()) }

    /// A shape such as `(None, 500)` as `[null, 500]`.
    static func shape(_ dimensions: [Int?]) -> JSONValue {
        .array(dimensions.map { $0.map(JSONValue.int) ?? .null })
    }

    func serialized() -> String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .double(let value): output += "\(value)"   // Swift and Python both print 0.2, 0.0, 1e-07
        case .string(let value): output += JSONStringLiteral.quoted(value)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += ", " }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += ", " }
                output += JSONStringLiteral.quoted(key)
                output += ": "
                value.write(to: &output)
            }
            output += "}"
        }
    }
}
