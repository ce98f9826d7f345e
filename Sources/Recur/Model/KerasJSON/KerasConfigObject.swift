import Foundation

/// A JSON object from a Keras config, read with typed accessors whose errors name the layer.
///
/// Keras writes `null` for unset options; absent and `null` read the same here.
struct KerasConfigObject {
    /// The layer the object belongs to, for error messages.
    let layer: String
    let values: [String: Any]

    init(layer: String, values: [String: Any]) {
        self.layer = layer
        self.values = values
    }

    init(layer: String, any: Any?, key: String) throws {
        guard let values = any as? [String: Any] else {
            throw ModelError.missingKey(layer: layer, key: key, expected: "an object")
        }
        self.init(layer: layer, values: values)
    }

    /// The value, or `nil` when absent or `null`.
    func value(_ key: String) -> Any? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    func string(_ key: String) throws -> String {
        guard let string = value(key) as? String else {
            throw ModelError.missingKey(layer: layer, key: key, expected: "a string")
        }
        return string
    }

    func optionalString(_ key: String) throws -> String? {
        guard has(key) else { return nil }
        return try string(key)
    }

    func int(_ key: String) throws -> Int {
        guard let value = value(key), let int = Self.integer(value) else {
            throw ModelError.missingKey(layer: layer, key: key, expected: "an integer")
        }
        return int
    }

    func int(_ key: String, default fallback: Int) throws -> Int {
        has(key) ? try int(key) : fallback
    }

    func optionalInt(_ key: String) throws -> Int? {
        has(key) ? try int(key) : nil
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = value(key) else { return fallback }
        guard Self.isBoolean(value), let bool = value as? Bool else {
            throw ModelError.missingKey(layer: layer, key: key, expected: "true or false")
        }
        return bool
    }

    func double(_ key: String) throws -> Double {
        guard let value = value(key), !Self.isBoolean(value), let double = value as? Double else {
            throw ModelError.missingKey(layer: layer, key: key, expected: "a number")
        }
        return double
    }

    func double(_ key: String, default fallback: Double) throws -> Double {
        guard let value = value(key) else { return fallback }
        guard !Self.isBoolean(value), let double = value as? Double else {
            throw ModelError.missingKey(layer: layer, key: key, expected: "a number")
        }
        return double
    }

    func object(_ key: String) throws -> KerasConfigObject? {
        guard let value = value(key) else { return nil }
        return try KerasConfigObject(layer: layer, any: value, key: key)
    }

    /// A shape such as `[null, 500]`: integers or nulls.
    func shape(_ key: String) throws -> [Int?]? {
        guard let value = value(key) else { return nil }
        guard let array = value as? [Any] else {
            throw ModelError.missingKey(layer: layer, key: key, expected: "a shape list")
        }
        return try array.map { element in
            if element is NSNull { return nil }
            guard let int = Self.integer(element) else {
                throw ModelError.missingKey(layer: layer, key: key, expected: "a shape list of integers and nulls")
            }
            return int
        }
    }

    // JSONSerialization bridges numbers loosely: `true` also reads as 1, and 32 as 32.0.
    static func isBoolean(_ value: Any) -> Bool {
        String(describing: type(of: value)).contains("Boolean") || value is Bool && !(value is NSNumber)
    }

    static func integer(_ value: Any) -> Int? {
        if isBoolean(value) { return nil }
        if let int = value as? Int { return int }
        if let double = value as? Double, double.rounded() == double, abs(double) < 1e15 { return Int(double) }
        return nil
    }
}
