import Foundation

/// Which Keras's `model.summary()` layout to reproduce.
public enum SummaryStyle: Hashable, Sendable {
    /// Keras 3: a box-drawn table (88 columns on a wide terminal), totals with sizes in bytes.
    case keras3(lineLength: Int)
    /// tf.keras 2 before 2.9, as the reference documents print it: underscore rules, 65 columns,
    /// over-long cells cut off, totals without sizes.
    case keras2

    /// Keras 3 at its default width.
    public static let keras3 = SummaryStyle.keras3(lineLength: 88)
}

extension SequentialModel {
    /// The text Keras's `model.summary()` prints for this model, without a trailing newline.
    ///
    /// Keras 3 prints `?` and `0 (unbuilt)` for a model built without an input shape; a Recur
    /// model is always built, so a variable input length prints as `None`, as it would after
    /// `Input(shape=(None,))`.
    public func summary(style: SummaryStyle = .keras3) -> String {
        switch style {
        case .keras3(let lineLength): return Keras3SummaryTable(model: self, lineLength: lineLength).render()
        case .keras2: return Keras2SummaryTable(model: self).render()
        }
    }
}

/// Number formatting shared by the summary layouts.
enum SummaryFormat {
    /// `1234567` → `1,234,567` (Python's `{:,}`).
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// Keras 3's `readable_memory_size`: powers of 1024, two decimals (`1.23 MB`, `0.00 B`).
    static func memorySize(bytes: Int) -> String {
        var size = Double(bytes)
        for unit in ["B", "KB", "MB", "GB", "TB"] {
            if size / 1024 < 1 { return String(format: "%.2f %@", size, unit) }
            size /= 1024
        }
        return String(format: "%.2f PB", size)
    }

    /// Bytes per weight: Recur keeps every weight in float32.
    static let bytesPerParameter = 4
}
