import Foundation

/// JSON Lines files of labelled texts: one JSON object per line, the text and label fields
/// chosen by name. The label may be a string (`"pos"`) or a number (`1`, matched as `"1"`) or a
/// boolean (matched as `"true"`/`"false"`), and must be one of the given classes. Blank lines
/// are ignored; other fields are not read.
public enum JSONLinesReader {
    public static func read(
        _ path: String, textField: String, labelField: String, classes: [String], mode: ReadingMode = .strict
    ) throws -> LabeledTextFile {
        let labels = ClassLabels(classes)
        let reader = try BufferedFileReader(path: path)
        let decoder = JSONDecoder()
        decoder.userInfo[JSONLineRecord.fieldsKey] = [textField, labelField]
        var result = LabeledTextFile(path: path)

        while let rawLine = try reader.nextLine() {
            var line = rawLine.droppingCarriageReturn
            if reader.lineNumber == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) {
                line = UnsafeBufferPointer(rebasing: line[3...])
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let number = reader.lineNumber
            guard String(validating: line, as: UTF8.self) != nil else {
                try result.reject(.invalidUTF8(path: path, entry: "line \(number)"), mode: mode)
                continue
            }
            let record: JSONLineRecord
            do {
                record = try decoder.decode(JSONLineRecord.self, from: Data(line))
            } catch let error as JSONLineRecord.Problem {
                try result.reject(.malformedLine(path: path, line: number, detail: error.detail), mode: mode)
                continue
            } catch {
                try result.reject(.malformedLine(path: path, line: number, detail: "not a JSON object (\(Self.reason(error)))"), mode: mode)
                continue
            }
            guard let text = record.text else {
                try result.reject(.missingColumn(path: path, line: number, column: textField, available: record.keys), mode: mode)
                continue
            }
            guard let labelText = record.label else {
                try result.reject(.missingColumn(path: path, line: number, column: labelField, available: record.keys), mode: mode)
                continue
            }
            guard let label = labels.label(for: labelText) else {
                try result.reject(.unknownLabel(path: path, line: number, value: labelText, classes: classes), mode: mode)
                continue
            }
            result.examples.append(LabeledText(text: text, label: label))
        }
        return result
    }

    static func reason(_ error: Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        }
        if case let DecodingError.typeMismatch(_, context) = error { return context.debugDescription }
        return "\(error)"
    }
}

/// The two fields of one JSON line: the text (a string) and the label as text.
struct JSONLineRecord: Decodable {
    static let fieldsKey = CodingUserInfoKey(rawValue: "recur.jsonl.fields")!

    struct Problem: Error { var detail: String }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var text: String?
    var label: String?
    var keys: [String]

    init(from decoder: Decoder) throws {
        let names = decoder.userInfo[Self.fieldsKey] as? [String] ?? ["text", "label"]
        let container = try decoder.container(keyedBy: Key.self)
        keys = container.allKeys.map(\.stringValue).sorted()
        let textKey = Key(stringValue: names[0]), labelKey = Key(stringValue: names[1])
        if container.contains(textKey) {
            guard let value = try? container.decode(String.self, forKey: textKey) else {
                throw Problem(detail: "field '\(names[0])' is not a string")
            }
            text = value
        }
        if container.contains(labelKey) {
            if try container.decodeNil(forKey: labelKey) {
                throw Problem(detail: "field '\(names[1])' is null")
            } else if let value = try? container.decode(String.self, forKey: labelKey) {
                label = value
            } else if let value = try? container.decode(Bool.self, forKey: labelKey) {
                label = value ? "true" : "false"
            } else if let value = try? container.decode(Int.self, forKey: labelKey) {
                label = String(value)
            } else if let value = try? container.decode(Double.self, forKey: labelKey) {
                label = value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
            } else {
                throw Problem(detail: "field '\(names[1])' is neither a string, a number nor a boolean")
            }
        }
    }
}
