import XCTest
@testable import Recur

final class OrderSensitiveCorpusTests: XCTestCase {
    /// The rule derived independently of the generator: the last sentiment adjective decides,
    /// flipped by a negation between the last connector and it.
    func expectedLabel(_ text: String) -> Int? {
        let words = text.lowercased().split { !$0.isLetter }.map(String.init)
        guard let last = words.lastIndex(where: { OrderSensitiveCorpus.positive.contains($0) || OrderSensitiveCorpus.negative.contains($0) }),
              let connector = words[..<last].lastIndex(where: { ["but", "however", "yet", "hand"].contains($0) }) else { return nil }
        let negated = words[connector..<last].contains { $0 == "not" || $0 == "never" }
        return OrderSensitiveCorpus.positive.contains(words[last]) != negated ? 1 : 0
    }

    func testEveryLabelFollowsTheOrderRule() {
        let corpus = OrderSensitiveCorpus(trainingPairs: 500, testPairs: 100, seed: 3)
        XCTAssertEqual(corpus.train.count, 1000)
        XCTAssertEqual(corpus.test.count, 200)
        for review in corpus.train + corpus.test + OrderSensitiveCorpus.examples {
            XCTAssertEqual(expectedLabel(review.text), review.label, review.text)
        }
    }

    func testTwinsHaveTheSameWordsAndOppositeLabels() {
        let corpus = OrderSensitiveCorpus(trainingPairs: 300, testPairs: 0, seed: 5)
        for pair in stride(from: 0, to: corpus.train.count, by: 2) {
            let a = corpus.train[pair], b = corpus.train[pair + 1]
            XCTAssertEqual(a.text.split(separator: " ").sorted(), b.text.split(separator: " ").sorted())
            XCTAssertNotEqual(a.text, b.text)
            XCTAssertEqual(a.label + b.label, 1)
        }
        let examples = OrderSensitiveCorpus.examples.map { $0.text.split { !$0.isLetter }.sorted() }
        XCTAssertEqual(examples[0], examples[1])
    }

    func testTheCorpusIsASeededFunction() {
        XCTAssertEqual(OrderSensitiveCorpus(trainingPairs: 50, testPairs: 10, seed: 9).train,
                       OrderSensitiveCorpus(trainingPairs: 50, testPairs: 10, seed: 9).train)
        XCTAssertNotEqual(OrderSensitiveCorpus(trainingPairs: 50, testPairs: 10, seed: 9).train,
                          OrderSensitiveCorpus(trainingPairs: 50, testPairs: 10, seed: 10).train)
        let corpus = OrderSensitiveCorpus(trainingPairs: 200, testPairs: 50, seed: 9)
        // The deciding clause is often far from the end: a model must carry it across filler.
        let distances = corpus.train.map { review -> Int in
            let words = review.text.split { !$0.isLetter }
            let last = words.lastIndex { OrderSensitiveCorpus.positive.contains(String($0)) || OrderSensitiveCorpus.negative.contains(String($0)) }!
            return words.count - 1 - last
        }
        XCTAssertGreaterThanOrEqual(distances.max()!, 15)
        XCTAssertTrue(distances.contains(0))
    }

    func testABagOfWordsModelIsAtChanceHereButLearnsWhenWordsSuffice() {
        let corpus = OrderSensitiveCorpus(trainingPairs: 600, testPairs: 200, seed: 11)
        var tokenizer = Tokenizer(.init(numWords: 500))
        tokenizer.fit(on: corpus.train.map(\.text))
        var baseline = BagOfWordsBaseline(vocabulary: 500)
        baseline.fit(tokenizer.sequences(for: corpus.train.map(\.text)), labels: corpus.train.map(\.label))
        XCTAssertEqual(baseline.accuracy(tokenizer.sequences(for: corpus.test.map(\.text)), labels: corpus.test.map(\.label)), 0.5)

        // Labelled by which adjective occurs, the same texts are easy for it.
        func wordLabel(_ text: String) -> Int {
            let words = text.split { !$0.isLetter }.map(String.init)
            return words.contains("superb") || words.contains("charming") ? 1 : 0
        }
        var wordBaseline = BagOfWordsBaseline(vocabulary: 500)
        wordBaseline.fit(tokenizer.sequences(for: corpus.train.map(\.text)), labels: corpus.train.map { wordLabel($0.text) })
        XCTAssertGreaterThan(wordBaseline.accuracy(tokenizer.sequences(for: corpus.test.map(\.text)), labels: corpus.test.map { wordLabel($0.text) }), 0.97)
    }
}
