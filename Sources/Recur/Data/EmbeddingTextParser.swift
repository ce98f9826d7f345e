#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// word2vec text and GloVe files, line by line at the byte level: fields are found in the read
/// buffer, only lines whose word is in the vocabulary have their numbers parsed (`strtof`, in
/// place), and every line's field count is checked against the dimension. `strtof` reads the
/// process's numeric locale, which stays "C" unless the program calls `setlocale`; if the
/// decimal point is anything but ".", values go through Swift's locale-free `Float(_:)`.
///
/// A GloVe line with more fields than `D + 1` whose second field is not a number is a word with
/// spaces in it (glove.840B.300d has a few, such as ". . ."): the last D fields are the vector
/// and the rest, as written, the word. More fields with a number second, or fewer, is a vector
/// whose length changed.
struct EmbeddingTextParser {
    let reader: BufferedFileReader
    let hasHeader: Bool
    let mode: ReadingMode
    private var starts: [Int] = []
    private var ends: [Int] = []
    private let cLocaleDecimalPoint: Bool

    init(reader: BufferedFileReader, hasHeader: Bool, mode: ReadingMode) {
        self.reader = reader
        self.hasHeader = hasHeader
        self.mode = mode
        cLocaleDecimalPoint = localeconv().map { String(cString: $0.pointee.decimal_point) == "." } ?? true
    }

    mutating func read(into collector: inout EmbeddingCollector) throws {
        let path = reader.path
        var dimension: Int?
        var declaredCount: Int?
        if hasHeader {
            guard let line = try reader.nextLine() else {
                throw DataError.invalidHeader(path: path, detail: "the file is empty; expected a 'V D' header line")
            }
            let fields = splitFields(line.droppingCarriageReturn).map { Self.text(line, $0.0, $0.1) }
            guard fields.count == 2, let count = Int(fields[0]), let size = Int(fields[1]), count >= 0, size > 0 else {
                throw DataError.invalidHeader(path: path, detail: "line 1 should be the 'V D' header (vector count and dimension), "
                    + "found '\(Self.text(line, 0, Swift.min(line.count, 60)))'; a GloVe file has no header: read it as .glove")
            }
            declaredCount = count
            dimension = size
            collector.setDimension(size)
        }

        while let rawLine = try reader.nextLine() {
            let line = rawLine.droppingCarriageReturn
            let fieldCount = splitFieldsInPlace(line)
            if fieldCount == 0 { continue }
            let number = reader.lineNumber
            collector.records += 1

            guard let size = dimension else {
                // GloVe: the first line sets the dimension.
                if fieldCount == 2, Int(Self.text(line, starts[0], ends[0])) != nil, Int(Self.text(line, starts[1], ends[1])) != nil {
                    throw DataError.invalidHeader(path: path, detail: "line \(number) looks like a word2vec 'V D' header; read the file as .word2vecText")
                }
                guard fieldCount >= 2 else {
                    throw DataError.malformedLine(path: path, line: number, detail: "expected a word and its vector, found one field")
                }
                dimension = fieldCount - 1
                collector.setDimension(fieldCount - 1)
                try take(line, fields: fieldCount, wordFields: 1, number: number, into: &collector)
                continue
            }

            var wordFields = 1
            if fieldCount != size + 1 {
                if fieldCount > size + 1 && !isNumber(line, field: 1) {
                    wordFields = fieldCount - size
                } else {
                    let word = Self.text(line, starts[0], ends[0])
                    try collector.skip(.vectorLengthChanged(path: path, line: number, word: word, expected: size, found: fieldCount - 1), mode: mode)
                    continue
                }
            }
            try take(line, fields: fieldCount, wordFields: wordFields, number: number, into: &collector)
        }
        if mode == .strict, let declaredCount, declaredCount != collector.records {
            throw DataError.invalidHeader(path: path, detail: "the header says \(declaredCount) vectors but the file has \(collector.records); it is truncated or the header is wrong")
        }
    }

    /// Parses the vector of a line whose word is in the vocabulary into its row.
    private mutating func take(_ line: UnsafeBufferPointer<UInt8>, fields: Int, wordFields: Int, number: Int,
                               into collector: inout EmbeddingCollector) throws {
        let word = UnsafeBufferPointer(rebasing: line[starts[0]..<ends[wordFields - 1]])
        guard let row = collector.row(for: word) else { return }
        let size = collector.dimension
        var values = [Float](repeating: 0, count: size)
        for k in 0..<size {
            let field = wordFields + k
            guard let value = parseFloat(line, field: field) else {
                let problem = DataError.invalidNumber(path: reader.path, line: number, word: String(decoding: word, as: UTF8.self),
                                                      value: Self.text(line, starts[field], ends[field]))
                try collector.skip(problem, mode: mode)
                return
            }
            values[k] = value
        }
        collector.store(values, row: row)
    }

    private func parseFloat(_ line: UnsafeBufferPointer<UInt8>, field: Int) -> Float? {
        guard cLocaleDecimalPoint else {
            return Float(Self.text(line, starts[field], ends[field])).flatMap { $0.isFinite ? $0 : nil }
        }
        let base = UnsafeMutableRawPointer(mutating: line.baseAddress!)
        let start = (base + starts[field]).assumingMemoryBound(to: CChar.self)
        var end: UnsafeMutablePointer<CChar>?
        let value = strtof(start, &end)
        guard let end, UnsafeMutableRawPointer(end) == base + ends[field], value.isFinite else { return nil }
        return value
    }

    private func isNumber(_ line: UnsafeBufferPointer<UInt8>, field: Int) -> Bool { parseFloat(line, field: field) != nil }

    /// Finds the fields (runs of bytes other than space and tab) into `starts`/`ends`.
    private mutating func splitFieldsInPlace(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        var i = 0
        let n = line.count
        while i < n {
            while i < n && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
            if i == n { break }
            starts.append(i)
            while i < n && line[i] != 0x20 && line[i] != 0x09 { i += 1 }
            ends.append(i)
        }
        return starts.count
    }

    private mutating func splitFields(_ line: UnsafeBufferPointer<UInt8>) -> [(Int, Int)] {
        let n = splitFieldsInPlace(line)
        return (0..<n).map { (starts[$0], ends[$0]) }
    }

    static func text(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }
}

extension EmbeddingCollector {
    mutating func store(_ values: [Float], row: Int) {
        let base = row * dimension
        values.withUnsafeBufferPointer { source in
            matrix.withUnsafeMutableBufferPointer { target in
                for k in 0..<dimension { target[base + k] = source[k] }
            }
        }
        markFilled(row)
    }
}
