/// The three file layouts pretrained word vectors come in.
public enum EmbeddingFileFormat: String, Sendable, Codable, CaseIterable {
    /// word2vec's `-binary 1` output (GoogleNews-vectors-negative300.bin): a `"V D\n"` header,
    /// then per word its bytes, a space, and D little-endian float32 values (and usually `\n`).
    case word2vecBinary
    /// word2vec's text output: a `"V D"` header line, then `word v1 … vD` lines.
    case word2vecText
    /// GloVe's text files: `word v1 … vD` lines with no header; D comes from the first line.
    case glove
}

/// An embedding matrix built from a pretrained vectors file for a vocabulary: row i holds the
/// vector of the word with index i; row 0 (padding) and words the file does not have stay zero,
/// as the Keras recipe does (`embedding_matrix[index] = wv[word]` for `index < num_words`).
/// The file is streamed and only the vocabulary's words are kept and parsed, so a
/// multi-gigabyte file needs memory for the matrix only. Words match byte for byte (their
/// Unicode scalars), case included; a word the file lists twice keeps its first vector.
public struct PretrainedEmbeddings: Sendable {
    public var path: String
    public var format: EmbeddingFileFormat
    /// Row-major `[rows, dimension]`.
    public var matrix: [Float]
    public var rows: Int
    public var dimension: Int
    /// Rows whose word the file has.
    public var foundCount: Int
    /// The words the file does not have, in row order.
    public var missingWords: [String]
    /// Vectors (records) in the file, skipped ones included.
    public var vectorsInFile: Int
    /// Later occurrences of a vocabulary word the file already gave (ignored).
    public var duplicateWords: Int
    /// Bad lines skipped in lenient mode, and the first few of their problems.
    public var skippedCount: Int
    public var skippedProblems: [DataError]

    /// Rows that had a word to look up.
    public var lookedUpCount: Int { foundCount + missingWords.count }

    public func vector(row: Int) -> ArraySlice<Float> {
        matrix[(row * dimension)..<((row + 1) * dimension)]
    }

    /// One line for the user, e.g. "found 18234 of 19999 words (91.2%) in vectors.bin
    /// (3000000 vectors of 300 values); matrix 20000 × 300".
    public var summary: String {
        let percent = lookedUpCount == 0 ? 0 : Double(foundCount) * 100 / Double(lookedUpCount)
        var text = "found \(foundCount) of \(lookedUpCount) words (\((percent * 10).rounded() / 10)%) in \(path) "
            + "(\(vectorsInFile) vectors of \(dimension) values); matrix \(rows) × \(dimension)"
        if skippedCount > 0 {
            text += "; skipped \(skippedCount) bad line\(skippedCount == 1 ? "" : "s")"
            if let first = skippedProblems.first { text += " (first: \(first))" }
        }
        return text
    }

    /// The word of each row for a fitted tokenizer: `numWords` rows (or one per index when it
    /// has none), row 0 none, row 1 the OOV token when there is one, then the vocabulary by rank.
    public static func rowWords(for tokenizer: Tokenizer) -> [String?] {
        let offset = tokenizer.configuration.oovToken == nil ? 1 : 2
        let rows = tokenizer.configuration.numWords ?? (tokenizer.vocabulary.count + offset)
        var words = [String?](repeating: nil, count: rows)
        if let oov = tokenizer.configuration.oovToken, rows > 1 { words[1] = oov }
        for (rank, word) in tokenizer.vocabulary.enumerated() where rank + offset < rows {
            words[rank + offset] = word
        }
        return words
    }

    /// Reads `path` into a matrix for `tokenizer`'s vocabulary (see `rowWords(for:)`).
    public static func read(
        _ path: String, format: EmbeddingFileFormat, for tokenizer: Tokenizer, mode: ReadingMode = .strict
    ) throws -> PretrainedEmbeddings {
        try read(path, format: format, rowWords: rowWords(for: tokenizer), mode: mode)
    }

    /// Reads `path` into a matrix with one row per entry of `rowWords` (nil rows stay zero).
    public static func read(
        _ path: String, format: EmbeddingFileFormat, rowWords: [String?], mode: ReadingMode = .strict
    ) throws -> PretrainedEmbeddings {
        var collector = EmbeddingCollector(rowWords: rowWords)
        let reader = try BufferedFileReader(path: path)
        switch format {
        case .word2vecBinary:
            try Word2VecBinaryParser(reader: reader, mode: mode).read(into: &collector)
        case .word2vecText, .glove:
            var parser = EmbeddingTextParser(reader: reader, hasHeader: format == .word2vecText, mode: mode)
            try parser.read(into: &collector)
        }
        collector.finish()
        return PretrainedEmbeddings(
            path: path, format: format, matrix: collector.matrix, rows: rowWords.count,
            dimension: collector.dimension, foundCount: collector.foundCount,
            missingWords: collector.missingWords(rowWords), vectorsInFile: collector.records,
            duplicateWords: collector.duplicates, skippedCount: collector.skippedCount,
            skippedProblems: collector.skippedProblems)
    }
}

/// What the parsers fill: the row table, the matrix once the dimension is known, and counts.
struct EmbeddingCollector {
    private(set) var table: ByteStringTable
    /// Rows whose word repeats an earlier row's word: (row, the row the table has it under).
    private var aliases: [(row: Int, original: Int)] = []
    private(set) var filled: [Bool]
    var matrix: [Float] = []
    private(set) var dimension = 0
    var records = 0
    var duplicates = 0
    var skippedCount = 0
    var skippedProblems: [DataError] = []

    init(rowWords: [String?]) {
        table = ByteStringTable(minimumCapacity: rowWords.count)
        filled = [Bool](repeating: false, count: rowWords.count)
        for (row, word) in rowWords.enumerated() {
            guard let word else { continue }
            if !table.insert(Array(word.utf8), value: row) {
                aliases.append((row, table.value(forKey: Array(word.utf8))!))
            }
        }
    }

    mutating func setDimension(_ dimension: Int) {
        self.dimension = dimension
        matrix = [Float](repeating: 0, count: filled.count * dimension)
    }

    /// The row to fill for `word`, or nil when the vocabulary does not have it or it is filled.
    mutating func row(for word: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let row = table.value(for: word) else { return nil }
        if filled[row] { duplicates += 1; return nil }
        return row
    }

    mutating func markFilled(_ row: Int) { filled[row] = true }

    mutating func skip(_ problem: DataError, mode: ReadingMode) throws {
        guard mode == .lenient else { throw problem }
        skippedCount += 1
        if skippedProblems.count < LabeledTextFile.keptProblems { skippedProblems.append(problem) }
    }

    mutating func finish() {
        for (row, original) in aliases where filled[original] {
            for k in 0..<dimension { matrix[row * dimension + k] = matrix[original * dimension + k] }
            filled[row] = true
        }
    }

    var foundCount: Int { filled.lazy.filter { $0 }.count }

    func missingWords(_ rowWords: [String?]) -> [String] {
        rowWords.enumerated().compactMap { row, word in word != nil && !filled[row] ? word : nil }
    }
}

extension ByteStringTable {
    func value(forKey key: [UInt8]) -> Int? {
        key.withUnsafeBufferPointer { value(for: $0) }
    }
}
