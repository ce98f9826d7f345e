/// Two files of one text per line, one per class, named by a shared prefix: `name.pos` (label 1)
/// and `name.neg` (label 0), as the sentence polarity dataset (`rt-polarity.pos/.neg`) comes.
/// Blank lines are ignored, `\r\n` endings accepted. Texts come negatives first.
public enum PairedClassFilesReader {
    /// Reads `<prefix>.neg` and `<prefix>.pos`.
    public static func read(prefix: String, mode: ReadingMode = .strict) throws -> LabeledTextFile {
        var result = LabeledTextFile(path: "\(prefix).{neg,pos}")
        for (suffix, label) in [("neg", 0), ("pos", 1)] {
            let path = "\(prefix).\(suffix)"
            let reader = try BufferedFileReader(path: path)
            while let rawLine = try reader.nextLine() {
                var line = rawLine.droppingCarriageReturn
                if reader.lineNumber == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) {
                    line = UnsafeBufferPointer(rebasing: line[3...])
                }
                if line.isEmpty { continue }
                guard let text = String(validating: line, as: UTF8.self) else {
                    try result.reject(.invalidUTF8(path: path, entry: "line \(reader.lineNumber)"), mode: mode)
                    continue
                }
                result.examples.append(LabeledText(text: text, label: label))
            }
        }
        return result
    }
}
