import Foundation

extension EmbeddingFileFormat {
    /// The format of a vectors file from its name and first line: `.bin` is word2vec's binary
    /// output; a text file whose first line is two integers (`"V D"`) is word2vec's text output;
    /// any other text file is GloVe's.
    public init(guessingFrom path: String) throws {
        if path.lowercased().hasSuffix(".bin") { self = .word2vecBinary; return }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DataError.unreadable(path: path, reason: "no such file, or no permission to read it")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        let firstLine = head.prefix { $0 != UInt8(ascii: "\n") }
        let fields = String(decoding: firstLine, as: UTF8.self).split(separator: " ")
        self = fields.count == 2 && fields.allSatisfy({ Int($0) != nil }) ? .word2vecText : .glove
    }
}
