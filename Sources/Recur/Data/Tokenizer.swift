import Dispatch

/// Keras's `Tokenizer` (keras.preprocessing.text): lower-case, map every filter character to
/// the split character, split, drop empty words; rank words by frequency over the fitted texts
/// (ties keep first-seen order); index 1 is the out-of-vocabulary token when there is one; with
/// `numWords`, only indices below it are emitted.
///
/// Words are compared by their Unicode scalars (kept as UTF-8 bytes), not by Swift `String`
/// equality, which would merge precomposed and decomposed "café" where Keras keeps them apart.
public struct Tokenizer: Codable, Sendable, Equatable {
    public struct Configuration: Codable, Sendable, Hashable {
        /// Keep only indices below this (Keras `num_words`); nil keeps every word.
        public var numWords: Int?
        public var filters: String
        public var lower: Bool
        /// The one character words are split on.
        public var split: Unicode.Scalar
        public var oovToken: String?

        public static let kerasFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"

        public init(numWords: Int? = nil, filters: String = Configuration.kerasFilters, lower: Bool = true,
                    split: Unicode.Scalar = " ", oovToken: String? = nil) {
            self.numWords = numWords; self.filters = filters; self.lower = lower; self.split = split; self.oovToken = oovToken
        }

        enum CodingKeys: String, CodingKey { case numWords, filters, lower, split, oovToken }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            numWords = try c.decodeIfPresent(Int.self, forKey: .numWords)
            filters = try c.decode(String.self, forKey: .filters)
            lower = try c.decode(Bool.self, forKey: .lower)
            let splitText = try c.decode(String.self, forKey: .split)
            guard let scalar = splitText.unicodeScalars.first, splitText.unicodeScalars.count == 1 else {
                throw DecodingError.dataCorruptedError(forKey: .split, in: c, debugDescription: "split must be one character, got '\(splitText)'")
            }
            split = scalar
            oovToken = try c.decodeIfPresent(String.self, forKey: .oovToken)
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(numWords, forKey: .numWords)
            try c.encode(filters, forKey: .filters)
            try c.encode(lower, forKey: .lower)
            try c.encode(String(Character(split)), forKey: .split)
            try c.encodeIfPresent(oovToken, forKey: .oovToken)
        }
    }

    public let configuration: Configuration
    /// Every fitted word in first-seen order with its count (Keras's `word_counts` OrderedDict):
    /// the state ranking is derived from, so fitting again breaks ties as Keras does.
    public private(set) var seenWords: [String] = []
    public private(set) var seenCounts: [Int] = []
    /// Every fitted word by rank, most frequent first (index = position + 1, after the OOV token).
    public private(set) var vocabulary: [String] = []
    /// How many times each word of `vocabulary` occurred.
    public private(set) var counts: [Int] = []
    /// How many texts were fitted.
    public private(set) var documentCount = 0
    private var index: [WordKey: Int32] = [:]

    enum CodingKeys: String, CodingKey { case configuration, seenWords, seenCounts, documentCount }

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try c.decode(Configuration.self, forKey: .configuration)
        seenWords = try c.decode([String].self, forKey: .seenWords)
        seenCounts = try c.decode([Int].self, forKey: .seenCounts)
        documentCount = try c.decode(Int.self, forKey: .documentCount)
        guard seenWords.count == seenCounts.count else {
            throw DecodingError.dataCorruptedError(forKey: .seenCounts, in: c,
                debugDescription: "\(seenWords.count) words but \(seenCounts.count) counts")
        }
        rank()
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(configuration, forKey: .configuration)
        try c.encode(seenWords, forKey: .seenWords)
        try c.encode(seenCounts, forKey: .seenCounts)
        try c.encode(documentCount, forKey: .documentCount)
    }

    public static func == (a: Tokenizer, b: Tokenizer) -> Bool {
        a.configuration == b.configuration && a.seenWords == b.seenWords && a.seenCounts == b.seenCounts
            && a.documentCount == b.documentCount
    }

    /// The index of the OOV token (1), when there is one.
    public var oovIndex: Int32? { configuration.oovToken == nil ? nil : 1 }

    /// Keras's `word_index`: every fitted word (and the OOV token) to its index.
    public var wordIndex: [String: Int] {
        var result: [String: Int] = [:]
        let offset = configuration.oovToken == nil ? 1 : 2
        if let oov = configuration.oovToken { result[oov] = 1 }
        for (i, word) in vocabulary.enumerated() where result[word] == nil { result[word] = i + offset }
        return result
    }

    /// Learns the vocabulary from `texts` (Keras `fit_on_texts`; fitting again adds to the counts).
    ///
    /// Counted in parallel chunks; a word's first sighting is ranked by (chunk, position in
    /// chunk), which is exactly its first sighting in the whole list, so ties break as in Keras.
    public mutating func fit(on texts: [String]) {
        let chunks = Swift.max(1, Swift.min(texts.count / 512, 8))
        var partials = [[WordKey: (count: Int, first: Int)]](repeating: [:], count: chunks)
        let splitter = WordSplitter(configuration)
        partials.withUnsafeMutableBufferPointer { buffer in
            let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var tally: [WordKey: (count: Int, first: Int)] = [:]
                var seen = 0
                for i in (texts.count * chunk / chunks)..<(texts.count * (chunk + 1) / chunks) {
                    splitter.forEachWord(in: texts[i]) { word in
                        let key = WordKey(word)
                        if let entry = tally[key] {
                            tally[key] = (entry.count + 1, entry.first)
                        } else {
                            tally[key] = (1, seen)
                            seen += 1
                        }
                    }
                }
                output[chunk] = tally
            }
        }
        var newWords: [WordKey: Int] = [:]
        // Words from earlier fits keep their places; new ones follow, chunk by chunk.
        var position: [WordKey: Int] = [:]
        position.reserveCapacity(seenWords.count)
        for (i, word) in seenWords.enumerated() { position[WordKey(Array(word.utf8))] = i }
        var firstSightings: [(first: Int, key: WordKey, count: Int)] = []
        for (chunk, partial) in partials.enumerated() {
            for (key, entry) in partial {
                if let i = position[key] {
                    seenCounts[i] += entry.count
                } else if let j = newWords[key] {
                    firstSightings[j].count += entry.count
                    firstSightings[j].first = Swift.min(firstSightings[j].first, chunk << 40 | entry.first)
                } else {
                    newWords[key] = firstSightings.count
                    firstSightings.append((chunk << 40 | entry.first, key, entry.count))
                }
            }
        }
        firstSightings.sort { $0.first < $1.first }
        seenWords += firstSightings.map { String(decoding: $0.key.bytes, as: UTF8.self) }
        seenCounts += firstSightings.map(\.count)
        documentCount += texts.count
        rank()
    }

    /// Keras's ranking: by count, most frequent first; ties in first-seen order.
    private mutating func rank() {
        let order = seenCounts.indices.sorted { a, b in seenCounts[a] != seenCounts[b] ? seenCounts[a] > seenCounts[b] : a < b }
        vocabulary = order.map { seenWords[$0] }
        counts = order.map { seenCounts[$0] }
        rebuildIndex()
    }

    private mutating func rebuildIndex() {
        index = [:]
        index.reserveCapacity(vocabulary.count + 1)
        let offset: Int32 = configuration.oovToken == nil ? 1 : 2
        if let oov = configuration.oovToken { index[WordKey(Array(oov.utf8))] = 1 }
        for (i, word) in vocabulary.enumerated() {
            let key = WordKey(Array(word.utf8))
            if index[key] == nil { index[key] = Int32(i) + offset }
        }
    }

    /// Token ids for one text (Keras `texts_to_sequences`): unknown words, and words ranked at or
    /// beyond `numWords`, become the OOV index or are dropped when there is no OOV token.
    public func sequence(for text: String) -> [Int32] {
        var result: [Int32] = []
        let limit = configuration.numWords.map(Int32.init) ?? .max
        let oov = oovIndex
        WordSplitter(configuration).forEachWord(in: text) { word in
            if let i = index[WordKey(word)], i < limit {
                result.append(i)
            } else if let oov {
                result.append(oov)
            }
        }
        return result
    }

    /// Token ids for many texts, in parallel across the machine's cores.
    public func sequences(for texts: [String]) -> [[Int32]] {
        var results = [[Int32]](repeating: [], count: texts.count)
        let chunks = Swift.max(1, Swift.min(texts.count / 256, 64))
        results.withUnsafeMutableBufferPointer { buffer in
            let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = texts.count * chunk / chunks, end = texts.count * (chunk + 1) / chunks
                for i in start..<end { output[i] = sequence(for: texts[i]) }
            }
        }
        return results
    }
}

/// A word's UTF-8 bytes as a dictionary key, hashed in one pass over the bytes (an `[UInt8]`
/// key would feed the hasher byte by byte, which dominated fitting on IMDB).
struct WordKey: Hashable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
}

/// Keras's `text_to_word_sequence`, yielding each word's UTF-8 bytes.
struct WordSplitter {
    let lower: Bool
    let separators: Set<Unicode.Scalar>
    let asciiSeparators: [Bool]

    init(_ configuration: Tokenizer.Configuration) {
        lower = configuration.lower
        separators = Set(configuration.filters.unicodeScalars).union([configuration.split])
        var ascii = [Bool](repeating: false, count: 128)
        for scalar in separators where scalar.value < 128 { ascii[Int(scalar.value)] = true }
        asciiSeparators = ascii
    }

    func forEachWord(in text: String, _ body: ([UInt8]) -> Void) {
        var word: [UInt8] = []
        word.reserveCapacity(32)
        if text.utf8.allSatisfy({ $0 < 128 }) {
            // ASCII: lower-case and split byte by byte.
            for byte in text.utf8 {
                if asciiSeparators[Int(byte)] {
                    if !word.isEmpty { body(word); word.removeAll(keepingCapacity: true) }
                } else {
                    word.append(lower && byte >= 65 && byte <= 90 ? byte + 32 : byte)
                }
            }
        } else {
            let lowered = lower ? Self.pythonLowercased(text) : Array(text.unicodeScalars)
            for scalar in lowered {
                if separators.contains(scalar) {
                    if !word.isEmpty { body(word); word.removeAll(keepingCapacity: true) }
                } else {
                    UTF8.encode(scalar) { word.append($0) }
                }
            }
        }
        if !word.isEmpty { body(word) }
    }

    /// Python's `str.lower()`: each scalar's full Unicode lowercase mapping, plus the one
    /// context-dependent rule Python applies, Final_Sigma (Σ → ς at the end of a word, else σ).
    /// Swift's `lowercased()` has no Final_Sigma, so "ΟΔΟΣ" would not match Keras's "οδος".
    static func pythonLowercased(_ text: String) -> [Unicode.Scalar] {
        let scalars = Array(text.unicodeScalars)
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        for (i, scalar) in scalars.enumerated() {
            if scalar == "\u{03A3}" {
                result.append(isFinalSigma(scalars, at: i) ? "\u{03C2}" : "\u{03C3}")
            } else if scalar.properties.changesWhenLowercased {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return result
    }

    /// CPython's rule: a cased letter before (skipping case-ignorable ones) and none after.
    static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var j = index - 1
        while j >= 0 && scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && scalars[j].properties.isCased else { return false }
        var k = index + 1
        while k < scalars.count && scalars[k].properties.isCaseIgnorable { k += 1 }
        return k == scalars.count || !scalars[k].properties.isCased
    }
}
