/// Keras's default layer names: the class name in snake case (`SimpleRNN` → `simple_rnn`,
/// `SpatialDropout1D` → `spatial_dropout1d`), then `_1`, `_2`, … for later layers of the class.
///
/// Keras counts per Python session; a Recur model counts per model, which is what a fresh
/// session (or `keras.backend.clear_session()`) prints. A name the user gave explicitly is
/// skipped, so a default name never collides with it.
struct LayerNaming {
    private var taken: Set<String>
    private var counters: [String: Int] = [:]

    init(explicitNames: [String]) {
        taken = Set(explicitNames)
    }

    /// The next free default name for a layer of `kerasClassName`.
    mutating func nextName(kerasClassName: String) -> String {
        let base = Self.snakeCase(kerasClassName)
        while true {
            let count = counters[base, default: 0]
            counters[base] = count + 1
            let candidate = count == 0 ? base : "\(base)_\(count)"
            if !taken.contains(candidate) {
                taken.insert(candidate)
                return candidate
            }
        }
    }

    /// Keras's `to_snake_case`: an underscore before each upper-case letter that follows a
    /// lower-case letter or digit, or that starts a new word after an acronym (`RNN` + `Cell`).
    static func snakeCase(_ name: String) -> String {
        let characters = Array(name)
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || (previous.isUppercase && nextIsLower) {
                    result += "_"
                }
            }
            result += character.lowercased()
        }
        return result
    }
}
