/// How a reader treats a bad record: `strict` stops at the first one with an error naming file
/// and line; `lenient` skips it, counts it, and keeps the first few problems for the report.
public enum ReadingMode: String, Sendable, Codable {
    case strict, lenient
}

/// The labelled texts read from one or more files, with what was skipped in lenient mode.
public struct LabeledTextFile: Sendable {
    public var path: String
    public var examples: [LabeledText]
    /// Records skipped in lenient mode (always 0 in strict mode, which throws instead).
    public var skippedCount = 0
    /// The first problems among the skipped records, at most `LabeledTextFile.keptProblems`.
    public var skippedProblems: [DataError] = []

    public static let keptProblems = 10

    public init(path: String, examples: [LabeledText] = []) {
        self.path = path
        self.examples = examples
    }

    /// One line for the user: how many were read, how many skipped and the first reason.
    public var summary: String {
        var text = "read \(examples.count) labelled texts from \(path)"
        if skippedCount > 0 {
            text += "; skipped \(skippedCount) bad record\(skippedCount == 1 ? "" : "s")"
            if let first = skippedProblems.first { text += " (first: \(first))" }
        }
        return text
    }

    /// Throws `problem` in strict mode; in lenient mode counts it and keeps it for the summary.
    mutating func reject(_ problem: DataError, mode: ReadingMode) throws {
        guard mode == .lenient else { throw problem }
        skippedCount += 1
        if skippedProblems.count < Self.keptProblems { skippedProblems.append(problem) }
    }
}

/// The class names a label must be one of; a label's number is its position in the list
/// (`["neg", "pos"]`: "neg" → 0, "pos" → 1). Surrounding spaces of a label are ignored.
struct ClassLabels {
    let names: [String]
    private let table: [String: Int]

    init(_ names: [String]) {
        precondition(!names.isEmpty, "give at least one class name")
        self.names = names
        var table: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            precondition(table[name] == nil, "class name '\(name)' is given twice")
            table[name] = i
        }
        self.table = table
    }

    func label(for value: String) -> Int? {
        if let exact = table[value] { return exact }
        let trimmed = value.trimmingASCIIWhitespace
        return trimmed.count == value.count ? nil : table[trimmed]
    }
}

extension String {
    var trimmingASCIIWhitespace: String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }
}
