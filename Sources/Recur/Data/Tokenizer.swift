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
    /// Every fitted word by rank, most frequent first (index = position + 1, after the OOV token).
    public private(set) var vocabulary: [String] = []
    /// How many times each word of `vocabulary` occurred.
    public private(set) var counts: [Int] = []
    /// How many texts were fitted.
    public private(set) var documentCount = 0
    private var index: [[UInt8]: Int32] = [:]

    enum CodingKeys: String, CodingKey { case configuration, vocabulary, counts, documentCount }

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try c.decode(Configuration.self, forKey: .configuration)
        vocabulary = try c.decode([String].self, forKey: .vocabulary)
        counts = try c.decode([Int].self, forKey: .counts)
        documentCount = try c.decode(Int.self, forKey: .documentCount)
        rebuildIndex()
    }

    public static func == (a: Tokenizer, b: Tokenizer) -> Bool {
        a.configuration == b.configuration && a.vocabulary == b.vocabulary && a.counts == b.counts && a.documentCount == b.documentCount
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
    public mutating func fit(on texts: [String]) {
        var tally: [[UInt8]: (count: Int, first: Int)] = [:]
        for (rank, word) in vocabulary.enumerated() { tally[Array(word.utf8)] = (counts[rank], rank - vocabulary.count) }
        var seen = 0
        let splitter = WordSplitter(configuration)
        for text in texts {
            splitter.forEachWord(in: text) { word in
                if let entry = tally[word] {
                    tally[word] = (entry.count + 1, entry.first)
                } else {
                    tally[word] = (1, seen)
                    seen += 1
                }
            }
        }
        documentCount += texts.count
        let ranked = tally.sorted { a, b in a.value.count != b.value.count ? a.value.count > b.value.count : a.value.first < b.value.first }
        vocabulary = ranked.map { String(decoding: $0.key, as: UTF8.self) }
        counts = ranked.map(\.value.count)
        rebuildIndex()
    }

    private mutating func rebuildIndex() {
        index = [:]
        index.reserveCapacity(vocabulary.count + 1)
        let offset: Int32 = configuration.oovToken == nil ? 1 : 2
        if let oov = configuration.oovToken { index[Array(oov.utf8)] = 1 }
        for (i, word) in vocabulary.enumerated() {
            let key = Array(word.utf8)
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
            if let i = index[word], i < limit {
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
