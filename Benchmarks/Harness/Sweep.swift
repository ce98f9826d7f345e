/// The cell of a sweep's single recurrent layer.
public enum SweepCell: String, Sendable, Hashable, Codable, CaseIterable {
    case simpleRNN = "simplernn", lstm, gru
}

/// One point of a sweep: a cell at one (T, B, H), with an embedding of width `embedding`.
public struct SweepPoint: Sendable, Hashable, Codable {
    public var sweep: SweepKind
    public var cell: SweepCell
    public var time: Int
    public var batch: Int
    public var hidden: Int
    public var embedding: Int

    /// The swept value: T, B or H (H for DeepBench's shapes).
    public var value: Int {
        switch sweep {
        case .time: return time
        case .batch: return batch
        case .hidden, .deepBench: return hidden
        }
    }

    public var label: String { "\(sweep.rawValue) \(cell.rawValue) T=\(time) B=\(batch) H=\(hidden)" }
}

/// How cost grows: sequence length, batch and hidden size for each cell type around one base
/// shape (T 100, B 32, H 128, embedding 128), and the DeepBench training shapes (Baidu's
/// RNN benchmark: input width = hidden) for GPU hosts.
public enum SweepKind: String, Sendable, Hashable, Codable, CaseIterable {
    case time = "t", batch = "b", hidden = "h", deepBench = "deepbench"

    public static let times = [25, 50, 100, 200, 500, 1000]
    public static let batches = [1, 8, 32, 128, 512]
    public static let hiddens = [32, 64, 128, 256, 512, 1024]
    public static let base = (time: 100, batch: 32, hidden: 128, embedding: 128)
    /// DeepBench's training shapes: LSTM H 512/1024 × B 64/128 × T 25, LSTM H 256 × B 32 ×
    /// T 150, GRU H 1536 × B 32 × T 187.
    public static let deepBenchShapes: [(SweepCell, hidden: Int, batch: Int, time: Int)] = [
        (.lstm, 512, 64, 25), (.lstm, 512, 128, 25), (.lstm, 1024, 64, 25), (.lstm, 1024, 128, 25),
        (.lstm, 256, 32, 150), (.gru, 1536, 32, 187),
    ]

    public var axisTitle: String {
        switch self {
        case .time: return "sequence length T"
        case .batch: return "batch B"
        case .hidden, .deepBench: return "hidden units H"
        }
    }

    public func points(cells: [SweepCell] = SweepCell.allCases) -> [SweepPoint] {
        let base = Self.base
        switch self {
        case .time:
            return cells.flatMap { cell in Self.times.map { SweepPoint(sweep: self, cell: cell, time: $0, batch: base.batch, hidden: base.hidden, embedding: base.embedding) } }
        case .batch:
            return cells.flatMap { cell in Self.batches.map { SweepPoint(sweep: self, cell: cell, time: base.time, batch: $0, hidden: base.hidden, embedding: base.embedding) } }
        case .hidden:
            return cells.flatMap { cell in Self.hiddens.map { SweepPoint(sweep: self, cell: cell, time: base.time, batch: base.batch, hidden: $0, embedding: base.embedding) } }
        case .deepBench:
            return Self.deepBenchShapes.filter { cells.contains($0.0) }.map {
                SweepPoint(sweep: self, cell: $0.0, time: $0.time, batch: $0.batch, hidden: $0.hidden, embedding: $0.hidden)
            }
        }
    }

    /// `t`, `b`, `h`, `deepbench` or `all`.
    public static func parse(_ text: String) -> [SweepKind]? {
        if text.lowercased() == "all" { return allCases }
        return SweepKind(rawValue: text.lowercased()).map { [$0] }
    }
}
