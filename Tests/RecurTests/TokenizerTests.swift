import Foundation
import XCTest
@testable import Recur

/// The tokenizer and padding against Keras's own outputs (`Goldens/keras_tokenizer.json`, made by
/// `Goldens/make_tokenizer_goldens.py` with tf-keras): exact equality.
final class TokenizerTests: XCTestCase {
    struct Goldens: Decodable {
        struct Config: Decodable { let num_words: Int?; let oov_token: String?; let lower: Bool; let filters: String; let split: String }
        struct TokenizerCase: Decodable {
            let name: String; let config: Config; let corpus: [String]; let word_index: [String: Int]
            let document_count: Int; let texts: [String]; let sequences: [[Int32]]
        }
        struct PaddingArgs: Decodable { let maxlen: Int?; let padding: String?; let truncating: String?; let value: Int32? }
        struct PaddingCase: Decodable { let args: PaddingArgs; let sequences: [[Int32]]; let shape: [Int]; let values: [Int32] }
        let tokenizer: [TokenizerCase]
        let pad_sequences: [PaddingCase]
    }

    static func goldens() throws -> Goldens {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens/keras_tokenizer.json")
        return try JSONDecoder().decode(Goldens.self, from: Data(contentsOf: url))
    }

    func testTokenizerMatchesKeras() throws {
        for golden in try Self.goldens().tokenizer {
            let config = Tokenizer.Configuration(numWords: golden.config.num_words, filters: golden.config.filters,
                                                 lower: golden.config.lower, split: golden.config.split.unicodeScalars.first!,
                                                 oovToken: golden.config.oov_token)
            var tokenizer = Tokenizer(config)
            tokenizer.fit(on: golden.corpus)
            XCTAssertEqual(tokenizer.documentCount, golden.document_count, golden.name)
            let index = tokenizer.wordIndex
            // Compare by Unicode scalars: Swift's String keys would merge "café" and "cafe\u{301}".
            func scalarKeyed(_ d: [String: Int]) -> [[UInt32]: Int] {
                Dictionary(uniqueKeysWithValues: d.map { ($0.key.unicodeScalars.map(\.value), $0.value) })
            }
            XCTAssertEqual(index.count, golden.word_index.count, "\(golden.name): vocabulary size")
            let expected = scalarKeyed(golden.word_index), actual = scalarKeyed(index)
            for (word, i) in expected where actual[word] != i {
                XCTFail("\(golden.name): '\(String(String.UnicodeScalarView(word.compactMap(Unicode.Scalar.init))))' is \(actual[word].map(String.init) ?? "missing"), Keras \(i)")
            }
            XCTAssertEqual(tokenizer.sequences(for: golden.texts), golden.sequences, golden.name)
        }
    }

    func testPadSequencesMatchesKeras() throws {
        for golden in try Self.goldens().pad_sequences {
            let result = padSequences(golden.sequences, maxlen: golden.args.maxlen,
                                      padding: PaddingSide(rawValue: golden.args.padding ?? "pre")!,
                                      truncating: PaddingSide(rawValue: golden.args.truncating ?? "pre")!,
                                      value: golden.args.value ?? 0)
            XCTAssertEqual(result.maxlen, golden.shape[1], "\(golden.args)")
            XCTAssertEqual(result.values, golden.values, "\(golden.args)")
        }
    }

    /// Fitting thousands of texts at once runs in parallel chunks; it must rank exactly as
    /// fitting them one at a time does (Keras's sequential first-seen order breaks the many ties).
    func testParallelFitRanksExactlyLikeSequentialFitting() {
        let words = (0..<400).map { "w\($0)" }
        let philox = Philox(seed: 3)
        let texts = (0..<3000).map { i in
            philox.uniforms(count: 6, stream: UInt32(i)).map { words[Int($0 * Float(words.count))] }.joined(separator: " ")
        }
        var atOnce = Tokenizer()
        atOnce.fit(on: texts)
        var oneByOne = Tokenizer()
        for text in texts { oneByOne.fit(on: [text]) }
        XCTAssertEqual(atOnce.vocabulary, oneByOne.vocabulary)
        XCTAssertEqual(atOnce.counts, oneByOne.counts)
        XCTAssertGreaterThan(Set(atOnce.counts).count, 1)
        XCTAssertLessThan(Set(atOnce.counts).count, atOnce.counts.count, "the corpus must have ties to test their order")
    }

    func testPrecomposedAndDecomposedWordsStayDistinct() {
        var tokenizer = Tokenizer()
        tokenizer.fit(on: ["caf\u{E9} cafe\u{301} caf\u{E9}"])
        XCTAssertEqual(tokenizer.vocabulary.count, 2)
        XCTAssertEqual(tokenizer.sequence(for: "cafe\u{301}"), [2])
    }

    func testTokenizerRoundTripsThroughJSON() throws {
        var tokenizer = Tokenizer(.init(numWords: 3, oovToken: "<OOV>"))
        tokenizer.fit(on: ["a b b c c c", "d"])
        let decoded = try JSONDecoder().decode(Tokenizer.self, from: JSONEncoder().encode(tokenizer))
        XCTAssertEqual(decoded, tokenizer)
        XCTAssertEqual(decoded.sequence(for: "c b a zz"), tokenizer.sequence(for: "c b a zz"))
        XCTAssertEqual(tokenizer.sequence(for: "c b a zz"), [2, 1, 1, 1])
    }
}
