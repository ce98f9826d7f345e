/// CSV and TSV files of labelled texts: a header row names the columns, the text and label
/// columns are chosen by name, and each label must be one of the given classes.
///
/// Fields follow RFC 4180: a field that starts with `"` is quoted, may hold delimiters and line
/// breaks, and writes a quote as `""`. Lines may end in `\n` or `\r\n`; a UTF-8 byte order mark
/// is skipped; blank lines are ignored. Line numbers in errors are physical lines (the header is
/// line 1), and a record that spans lines is reported at the line it starts on.
///
/// Written here rather than taken from the mirror: yaslab/CSV.swift 2.5.2 and SwiftCSV 0.10.0
/// both parse quoted multi-line fields, but neither reports where a record is (no line
/// numbers), both accept an unterminated quote silently (the rest of the file becomes one
/// field), CSV.swift fails on invalid UTF-8 without saying where and SwiftCSV loads the whole
/// file as one `String` first. The parser is a small byte-level state machine on top of
/// `BufferedFileReader`.
public enum DelimitedTextReader {
    /// Reads `path`. The delimiter defaults to a tab for `.tsv`/`.tab` files and a comma
    /// otherwise; `quoting: false` reads every `"` literally (TSV files that never quote).
    public static func read(
        _ path: String, textColumn: String, labelColumn: String, classes: [String],
        delimiter: UInt8? = nil, quoting: Bool = true, mode: ReadingMode = .strict
    ) throws -> LabeledTextFile {
        let separator = delimiter ?? (path.hasSuffix(".tsv") || path.hasSuffix(".tab") ? UInt8(ascii: "\t") : UInt8(ascii: ","))
        let labels = ClassLabels(classes)
        let reader = try BufferedFileReader(path: path)
        var parser = DelimitedRecordParser(delimiter: separator, quoting: quoting)
        var result = LabeledTextFile(path: path)

        guard let header = try parser.next(from: reader) else {
            throw DataError.invalidHeader(path: path, detail: "the file is empty; expected a header row naming the columns")
        }
        if let problem = header.problem { throw DataError.malformedLine(path: path, line: header.line, detail: problem) }
        var names: [String] = []
        for (i, field) in header.fields.enumerated() {
            var bytes = field[...]
            if i == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw DataError.invalidUTF8(path: path, entry: "line \(header.line) (the header)")
            }
            names.append(name.trimmingASCIIWhitespace)
        }
        guard let textIndex = names.firstIndex(of: textColumn) else {
            throw DataError.missingColumn(path: path, line: header.line, column: textColumn, available: names)
        }
        guard let labelIndex = names.firstIndex(of: labelColumn) else {
            throw DataError.missingColumn(path: path, line: header.line, column: labelColumn, available: names)
        }

        while let record = try parser.next(from: reader) {
            if let problem = record.problem {
                try result.reject(.malformedLine(path: path, line: record.line, detail: problem), mode: mode)
                continue
            }
            guard record.fields.count == names.count else {
                try result.reject(.wrongFieldCount(path: path, line: record.line, expected: names.count, found: record.fields.count), mode: mode)
                continue
            }
            guard let text = String(validating: record.fields[textIndex], as: UTF8.self),
                  let labelText = String(validating: record.fields[labelIndex], as: UTF8.self) else {
                try result.reject(.invalidUTF8(path: path, entry: "line \(record.line)"), mode: mode)
                continue
            }
            guard let label = labels.label(for: labelText) else {
                try result.reject(.unknownLabel(path: path, line: record.line, value: labelText, classes: classes), mode: mode)
                continue
            }
            result.examples.append(LabeledText(text: text, label: label))
        }
        return result
    }
}

/// One record of a delimited file: its fields' bytes, the line it starts on, and what was wrong
/// with it, if anything (the record is still read to its end so the next one starts cleanly).
struct DelimitedRecord {
    var fields: [[UInt8]]
    var line: Int
    var problem: String?
}

/// The RFC 4180 state machine, fed line by line so that line numbers come for free.
struct DelimitedRecordParser {
    let delimiter: UInt8
    let quoting: Bool
    private static let quote = UInt8(ascii: "\"")

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    init(delimiter: UInt8, quoting: Bool) {
        self.delimiter = delimiter
        self.quoting = quoting
    }

    /// The next record, or nil at the end of the file. Blank lines are skipped.
    mutating func next(from reader: BufferedFileReader) throws -> DelimitedRecord? {
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var state = State.fieldStart
        var problem: String?
        var startLine = 0

        while let rawLine = try reader.nextLine() {
            if startLine == 0 {
                let line = rawLine.droppingCarriageReturn
                if line.isEmpty { continue }
                startLine = reader.lineNumber
            }
            let count = rawLine.count
            var i = 0
            while i < count {
                let byte = rawLine[i]
                // A final `\r` ends the line (CRLF) unless it is inside a quoted field.
                if byte == 0x0D && i == count - 1 && state != .quoted { break }
                switch state {
                case .fieldStart:
                    if byte == Self.quote && quoting {
                        state = .quoted
                    } else if byte == delimiter {
                        fields.append(field); field = []
                    } else {
                        field.append(byte); state = .unquoted
                    }
                case .unquoted:
                    if byte == delimiter {
                        fields.append(field); field = []; state = .fieldStart
                    } else {
                        field.append(byte)
                    }
                case .quoted:
                    if byte == Self.quote { state = .quoteInQuoted } else { field.append(byte) }
                case .quoteInQuoted:
                    if byte == Self.quote {
                        field.append(byte); state = .quoted
                    } else if byte == delimiter {
                        fields.append(field); field = []; state = .fieldStart
                    } else {
                        if problem == nil {
                            problem = "field \(fields.count + 1) has '\(Self.describe(byte))' after its closing quote; "
                                + "inside a quoted field write a quote as \"\""
                        }
                        field.append(byte); state = .unquoted
                    }
                }
                i += 1
            }
            if state == .quoted {
                // The line break belongs to the quoted field; the record goes on.
                field.append(0x0A)
                continue
            }
            fields.append(field)
            return DelimitedRecord(fields: fields, line: startLine, problem: problem)
        }
        if state == .quoted {
            throw DataError.malformedLine(path: reader.path, line: startLine,
                detail: "field \(fields.count + 1) opens a quote that is never closed before the end of the file")
        }
        return nil
    }

    private static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}
