import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Recur

final class HistoryFilesTests: XCTestCase {
    let history: History = {
        var h = History()
        for (i, (loss, acc, vloss, vacc)) in [(0.69, 0.52, 0.66, 0.6), (0.5, 0.75, 0.52, 0.74), (0.3, 0.88, 0.45, 0.81)].enumerated() {
            h.epochs.append(EpochMetrics(epoch: i + 1, loss: loss, accuracy: acc, validationLoss: vloss, validationAccuracy: vacc, seconds: 2, steps: 10))
        }
        return h
    }()

    func testCSVHasKerasMetricNamesAndOneRowPerEpoch() {
        let lines = HistoryFiles.csv(history).split(separator: "\n")
        XCTAssertEqual(lines[0], "epoch,loss,accuracy,val_loss,val_accuracy,seconds")
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[3], "3,0.3,0.88,0.45,0.81,2")
    }

    /// The plot is well-formed XML with both panels and both curves of each.
    func testSVGIsValidXMLWithTrainingAndValidationCurvesForLossAndAccuracy() throws {
        let svg = HistoryFiles.svg(history)
        let document = try XMLDocument(xmlString: svg)
        XCTAssertEqual(document.rootElement()?.name, "svg")
        let polylines = try document.nodes(forXPath: "//*[local-name()='polyline']")
        XCTAssertEqual(polylines.count, 4)
        for line in polylines {
            let attribute = (line as! XMLElement).attributes?.first { $0.name == "points" || $0.localName == "points" }
            let points = try XCTUnwrap(attribute?.stringValue, "a polyline without points").split(separator: " ")
            XCTAssertEqual(points.count, 3)
        }
        XCTAssertTrue(svg.contains(">loss<") && svg.contains(">accuracy<"))
    }

    func testFilesAreWrittenAndJSONRoundTrips() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recur-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try HistoryFiles.write(history, to: directory)
        let decoded = try JSONDecoder().decode(History.self, from: Data(contentsOf: directory.appendingPathComponent("history.json")))
        XCTAssertEqual(decoded, history)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("history.svg").path))
    }
}
