import Foundation
import Logging

/// Hooks into `fit`, as Keras callbacks: called after every epoch (return false to stop) and
/// once at the end.
public protocol TrainingCallback: AnyObject {
    func epochEnded(_ metrics: EpochMetrics, history: History, trainer: Trainer) throws -> Bool
    func trainingEnded(history: History, trainer: Trainer) throws
}

extension TrainingCallback {
    public func trainingEnded(history: History, trainer: Trainer) throws {}
}

/// A metric a callback watches, and which direction is better (Keras's `mode="auto"`).
public enum MonitoredMetric: String, Codable, Sendable {
    case loss, accuracy, validationLoss = "val_loss", validationAccuracy = "val_accuracy"

    func value(_ metrics: EpochMetrics) -> Double? {
        switch self {
        case .loss: return metrics.loss
        case .accuracy: return metrics.accuracy
        case .validationLoss: return metrics.validationLoss
        case .validationAccuracy: return metrics.validationAccuracy
        }
    }

    var lowerIsBetter: Bool { self == .loss || self == .validationLoss }

    func isImprovement(_ value: Double, over best: Double?, minDelta: Double) -> Bool {
        guard let best else { return true }
        return lowerIsBetter ? value < best - minDelta : value > best + minDelta
    }
}

/// Keras's `EarlyStopping`: stop after `patience` epochs without improvement; with
/// `restoreBestWeights`, put the best epoch's weights back when it stops.
public final class EarlyStopping: TrainingCallback {
    public let monitor: MonitoredMetric
    public let patience: Int
    public let minDelta: Double
    public let restoreBestWeights: Bool
    public private(set) var best: Double?
    public private(set) var bestEpoch: Int?
    public private(set) var stoppedEpoch: Int?
    private var wait = 0
    private var bestWeights: [String: [Float]]?

    public init(monitor: MonitoredMetric = .validationLoss, patience: Int = 0, minDelta: Double = 0, restoreBestWeights: Bool = false) {
        self.monitor = monitor; self.patience = patience; self.minDelta = abs(minDelta); self.restoreBestWeights = restoreBestWeights
    }

    public func epochEnded(_ metrics: EpochMetrics, history: History, trainer: Trainer) throws -> Bool {
        guard let current = monitor.value(metrics) else { return true }
        if restoreBestWeights && bestWeights == nil { bestWeights = try trainer.parameters.weights() }
        wait += 1
        if monitor.isImprovement(current, over: best, minDelta: minDelta) {
            best = current
            bestEpoch = metrics.epoch
            if restoreBestWeights { bestWeights = try trainer.parameters.weights() }
            wait = 0
            return true
        }
        if wait >= patience && history.epochs.count > 1 {
            stoppedEpoch = metrics.epoch
            if restoreBestWeights, let bestWeights { try trainer.parameters.setWeights(bestWeights) }
            let restored = restoreBestWeights ? "; restored the weights of epoch \(bestEpoch ?? 0)" : ""
            Logger(label: "recur.training").info("early stopping after epoch \(metrics.epoch): \(patience) epochs without improvement in \(monitor)\(restored)")
            return false
        }
        return true
    }
}

/// Keras's `ModelCheckpoint`: writes a resumable checkpoint (atomically) after each epoch, or
/// only when the monitored metric improved.
public final class ModelCheckpoint: TrainingCallback {
    public let url: URL
    public let monitor: MonitoredMetric
    public let saveBestOnly: Bool
    public private(set) var best: Double?

    public init(url: URL, monitor: MonitoredMetric = .validationLoss, saveBestOnly: Bool = false) {
        self.url = url; self.monitor = monitor; self.saveBestOnly = saveBestOnly
    }

    public func epochEnded(_ metrics: EpochMetrics, history: History, trainer: Trainer) throws -> Bool {
        if saveBestOnly {
            guard let current = monitor.value(metrics), monitor.isImprovement(current, over: best, minDelta: 0) else { return true }
            best = current
        }
        let started = Date()
        try trainer.save(to: url, history: history)
        Logger(label: "recur.checkpoint").debug("epoch \(metrics.epoch): wrote \(url.path) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        return true
    }
}
