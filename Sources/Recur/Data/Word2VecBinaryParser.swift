/// word2vec binary files, record by record: the word up to its space (newlines before it, left
/// by the previous record, skipped as word2vec and gensim do), then D little-endian float32s.
/// Only vocabulary words have their values decoded; the rest are skipped in the buffer.
struct Word2VecBinaryParser {
    let reader: BufferedFileReader
    let mode: ReadingMode
    /// A word longer than this means the file is not word2vec binary (or the header is wrong).
    static let maxWordLength = 1 << 16

    func read(into collector: inout EmbeddingCollector) throws {
        let path = reader.path
        guard let headerLine = try reader.nextLine() else {
            throw DataError.invalidHeader(path: path, detail: "the file is empty; expected a 'V D' header line")
        }
        let header = String(decoding: headerLine.droppingCarriageReturn, as: UTF8.self)
        let parts = header.split(separator: " ")
        guard parts.count == 2, let count = Int(parts[0]), let dimension = Int(parts[1]), count >= 0, dimension > 0 else {
            throw DataError.invalidHeader(path: path, detail: "line 1 should be the 'V D' header (vector count and dimension), found '\(header.prefix(60))'")
        }
        collector.setDimension(dimension)
        let vectorBytes = dimension * 4
        var values = [Float](repeating: 0, count: dimension)

        for record in 1...max(count, 1) where count > 0 {
            try reader.skip(0x0A)
            let (word, found) = try reader.bytes(upTo: 0x20, maxLength: Self.maxWordLength)
            guard found else {
                if word.count >= Self.maxWordLength {
                    throw DataError.invalidRecord(path: path, record: record, detail: "no space after \(Self.maxWordLength) bytes of word; this is not word2vec binary")
                }
                try truncated(record, of: count, detail: word.isEmpty ? "no word" : "its word is cut off", collector: &collector)
                return
            }
            // The word points into the buffer, which the vector read may move: look it up first.
            let row = collector.row(for: word)
            let wordText = row == nil ? "" : String(decoding: word, as: UTF8.self)
            let vector = try reader.bytes(count: vectorBytes)
            collector.records += 1
            guard vector.count == vectorBytes else {
                try truncated(record, of: count, detail: "\(vector.count) of its \(vectorBytes) vector bytes", collector: &collector)
                return
            }
            guard let row else { continue }
            var finite = true
            for k in 0..<dimension {
                let value = Float(bitPattern: UInt32(littleEndian: vector.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
                finite = finite && value.isFinite
                values[k] = value
            }
            guard finite else {
                try collector.skip(.invalidRecord(path: path, record: record, detail: "the vector of '\(wordText)' has a value that is not a finite number"), mode: mode)
                continue
            }
            collector.store(values, row: row)
        }
    }

    /// A file that ends inside record `record`: an error, or in lenient mode the vectors so far.
    private func truncated(_ record: Int, of count: Int, detail: String, collector: inout EmbeddingCollector) throws {
        try collector.skip(.truncatedRecord(path: reader.path, record: record, detail: "record \(record) of \(count) has \(detail)"), mode: mode)
    }
}
