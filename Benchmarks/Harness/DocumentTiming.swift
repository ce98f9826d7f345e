import Recur

/// A per-step training time a reference document printed, kept as data with where it came
/// from (`../shared/seeds/README.md` summarises them; the document files hold the logs).
public struct DocumentTiming: Sendable, Hashable, Codable {
    public var preset: String
    /// The figure compared against: the steady-state epochs' ms/step where the document gives
    /// a first epoch and later ones, the middle of a range otherwise.
    public var typicalMilliseconds: Double
    public var lowMilliseconds: Double
    public var highMilliseconds: Double
    /// How it was read: the document's own words, with the steps per epoch.
    public var evidence: String
    /// The reference document (`../shared/seeds/<file>`).
    public var source: String

    /// "133 (133–148)", "≈471", "76–89" as the table prints it.
    public var label: String {
        if lowMilliseconds == highMilliseconds { return Self.format(typicalMilliseconds) }
        if typicalMilliseconds == lowMilliseconds || typicalMilliseconds == highMilliseconds {
            return "\(Self.format(typicalMilliseconds)) (\(Self.format(lowMilliseconds))–\(Self.format(highMilliseconds)))"
        }
        return "\(Self.format(lowMilliseconds))–\(Self.format(highMilliseconds))"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// The document's time over Recur's: above 1, Recur is that many times faster.
    public func speedUp(overMilliseconds recur: Double) -> Double { recur > 0 ? typicalMilliseconds / recur : 0 }

    /// Every timing the documents printed; `bilstm` (003) and `stacked-bilstm` (001) printed none.
    public static let all: [DocumentTiming] = [
        DocumentTiming(preset: "simplernn-imdb", typicalMilliseconds: 133, lowMilliseconds: 133, highMilliseconds: 148,
                       evidence: "25 s / 157 steps first epoch (148 ms/step), ~21 s after (133 ms/step)",
                       source: "002_816e67ee7588b1a5.txt"),
        DocumentTiming(preset: "simplernn-dropout", typicalMilliseconds: 193, lowMilliseconds: 193, highMilliseconds: 193,
                       evidence: "30 s / 157 steps (193 ms/step)", source: "002_816e67ee7588b1a5.txt"),
        DocumentTiming(preset: "lstm-imdb", typicalMilliseconds: 471, lowMilliseconds: 471, highMilliseconds: 471,
                       evidence: "\"about 74 s/epoch\" over 157 steps (≈471 ms/step)", source: "002_816e67ee7588b1a5.txt"),
        DocumentTiming(preset: "stacked-simplernn", typicalMilliseconds: 74, lowMilliseconds: 74, highMilliseconds: 86,
                       evidence: "71 s / 782 steps first epoch (86 ms/step), then 57–58 s (73–74 ms/step)",
                       source: "000_000af15f4923da78.txt"),
        DocumentTiming(preset: "bigru-w2v", typicalMilliseconds: 82.5, lowMilliseconds: 76, highMilliseconds: 89,
                       evidence: "24–28 s / 313 steps (76–89 ms/step), on a GPU", source: "004_9ecea27ecc16d1e8.txt"),
    ]

    public static func forPreset(_ name: String) -> DocumentTiming? { all.first { $0.preset == name } }
}
