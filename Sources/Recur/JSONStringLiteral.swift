/// JSON string literals for the JSON Recur writes by hand (safetensors headers, Keras model
/// JSON), where the byte layout matters and `JSONEncoder`'s choices would not do.
enum JSONStringLiteral {
    /// A JSON string literal: quote, backslash and control characters escaped; everything else,
    /// non-ASCII included, written as UTF-8.
    static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
