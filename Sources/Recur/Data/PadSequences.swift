/// Where `padSequences` pads or cuts: before the sequence (Keras's default) or after it.
public enum PaddingSide: String, Codable, Sendable { case pre, post }

/// Keras's `pad_sequences`: every sequence to `maxlen` (the longest when nil), padding with
/// `value` and truncating on the given sides; the result is row-major `[N, maxlen]`.
public func padSequences(_ sequences: [[Int32]], maxlen: Int? = nil, padding: PaddingSide = .pre,
                         truncating: PaddingSide = .pre, value: Int32 = 0) -> (values: [Int32], maxlen: Int) {
    let length = maxlen ?? sequences.map(\.count).max() ?? 0
    var values = [Int32](repeating: value, count: sequences.count * length)
    for (row, sequence) in sequences.enumerated() where length > 0 {
        let kept = sequence.count > length
            ? (truncating == .pre ? sequence.suffix(length) : sequence.prefix(length))
            : sequence[...]
        let start = row * length + (padding == .pre ? length - kept.count : 0)
        for (offset, token) in kept.enumerated() { values[start + offset] = token }
    }
    return (values, length)
}
