/// A generated review corpus in which only word order decides the label, for `make demo`.
///
/// Every review has two verdict clauses, one with a positive and one with a negative adjective,
/// each possibly negated ("was not good", "i would never say the cast was dull"). The label is
/// the verdict of the second clause: its adjective's polarity, flipped when that clause is
/// negated. Filler clauses without sentiment come before, between and after the verdicts, so
/// the deciding words can sit twenty or more tokens before the end.
///
/// Reviews come in twins: the second twin swaps the two adjectives, which flips the label and
/// keeps every word count. A model that sees only which words occur (bag of words, averaged
/// embeddings) therefore gets exactly one twin of each pair right: 50% on any split. A
/// recurrent model can learn the rule.
public struct OrderSensitiveCorpus: Sendable {
    public var train: [LabeledText]
    public var test: [LabeledText]

    /// - Parameters: pairs are twin pairs, so each split holds twice as many reviews; the two
    ///   splits are drawn independently from one seeded stream.
    public init(trainingPairs: Int = 4000, testPairs: Int = 1000, seed: UInt64 = 7) {
        var generator = SplitMix64(seed: seed)
        train = Self.reviews(pairs: trainingPairs, using: &generator)
        test = Self.reviews(pairs: testPairs, using: &generator)
    }

    /// The corpus's rule: the second verdict decides, flipped when it is negated. The first
    /// verdict never matters; it is there to be forgotten.
    public static func label(secondPositive: Bool, secondNegated: Bool) -> Int {
        secondPositive != secondNegated ? 1 : 0
    }

    /// The two example sentences the demo predicts: the same words, opposite labels.
    public static let examples: [LabeledText] = [
        LabeledText(text: "the story was not good, but the acting was wonderful. we talked about it all the way home", label: 1),
        LabeledText(text: "the story was good, but the acting was not wonderful. we talked about it all the way home", label: 0),
    ]

    static let subjects = ["the film", "this movie", "the story", "the acting", "the ending", "the soundtrack",
                           "the script", "the cast", "the director", "the dialogue"]
    static let positive = ["good", "great", "excellent", "wonderful", "brilliant", "superb", "moving", "charming"]
    static let negative = ["bad", "awful", "terrible", "boring", "dull", "weak", "clumsy", "tedious"]
    static let connectors = ["but", "but then again", "however", "and yet", "on the other hand"]
    static let fillers = [
        "i watched it with my brother on a rainy sunday",
        "we saw it last week at the old cinema downtown",
        "the popcorn was cold and the seats were small",
        "my friends had told me about it for months",
        "it runs a little over two hours",
        "i went in knowing almost nothing about it",
        "the trailer came out last spring",
        "there were only a few people in the theater",
        "it is based on a novel from the seventies",
        "i saw the first one years ago",
        "the tickets were cheap on tuesday",
        "we talked about it all the way home",
    ]

    static func clause(subject: String, adjective: String, negated: Bool, using g: inout SplitMix64) -> String {
        let negation = ["not", "never", "not really", "not at all"].randomElement(using: &g)!
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return negated ? "\(subject) was \(negation) \(adjective)" : "\(subject) was \(adjective)"
        case 1: return negated ? "\(subject) was \(negation) very \(adjective)" : "\(subject) was very \(adjective)"
        case 2: return negated ? "i did not find \(subject) \(adjective)" : "i found \(subject) \(adjective)"
        default: return negated ? "i would never say \(subject) was \(adjective)" : "i would say \(subject) was \(adjective)"
        }
    }

    static func reviews(pairs: Int, using g: inout SplitMix64) -> [LabeledText] {
        var reviews: [LabeledText] = []
        reviews.reserveCapacity(2 * pairs)
        for _ in 0..<pairs {
            let subjects = Array(Self.subjects.shuffled(using: &g).prefix(2))
            let good = positive.randomElement(using: &g)!, bad = negative.randomElement(using: &g)!
            let negated = (Bool.random(using: &g), Bool.random(using: &g))
            let firstIsGood = Bool.random(using: &g)
            let lead = fillerClauses(max: 1, using: &g), middle = fillerClauses(max: 1, using: &g)
            let trailing = fillerClauses(max: 2, using: &g)
            let connector = connectors.randomElement(using: &g)!
            // Both twins use the same clause templates: draw them once, then fill in the adjectives.
            let templateSeed = g.next()
            for swapped in [false, true] {
                let firstGood = firstIsGood != swapped
                var t = SplitMix64(seed: templateSeed)
                let first = clause(subject: subjects[0], adjective: firstGood ? good : bad, negated: negated.0, using: &t)
                let second = clause(subject: subjects[1], adjective: firstGood ? bad : good, negated: negated.1, using: &t)
                let parts = lead + [first] + middle + [connector, second] + trailing
                let label = Self.label(secondPositive: !firstGood, secondNegated: negated.1)
                reviews.append(LabeledText(text: parts.joined(separator: " , "), label: label))
            }
        }
        return reviews
    }

    static func fillerClauses(max: Int, using g: inout SplitMix64) -> [String] {
        Array(fillers.shuffled(using: &g).prefix(Int.random(in: 0...max, using: &g)))
    }
}
