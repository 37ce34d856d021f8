import { expect } from 'chai';
import { parseCsv } from '../../../src/ml/data/csv.js';
import { heldModels, predictBlockTask, predictTask } from '../../../src/serving/predict-work.js';
import { fitPipeline, smallCsv } from './model-fixtures.js';

describe('pool-thread prediction work', () => {
  const pipeline = fitPipeline();
  const text = JSON.stringify(pipeline.toJSON());
  const sha256 = `test-${Math.random()}`;

  it('asks for the model when the thread lacks it, then keeps it by sha256', () => {
    const records = [{ x1: 9, x2: 1, color: 'red' }];
    expect(predictTask({ sha256, records })).to.deep.equal({ ok: false, miss: true });
    const first = predictTask({ sha256, records, model: text });
    expect(first.ok).to.equal(true);
    expect(heldModels()).to.include(sha256);
    const again = predictTask({ sha256, records });
    expect(again).to.deep.include({ ok: true, predictions: pipeline.predictRecords(records).predictions });
  });

  it('answers bad instances as a user error value naming the feature', () => {
    const out = predictTask({ sha256, records: [{ x1: 'lots', x2: 1, color: 'red' }], model: text });
    expect(out.ok).to.equal(false);
    expect((out as { error: { name: string; message: string } }).error).to.include({ name: 'DataError' });
    expect((out as { error: { message: string } }).error.message).to.match(/x1/);
  });

  it('predicts a CSV block into output lines: input columns, prediction, one probability per class', () => {
    const csv = smallCsv(20);
    const [header, ...lines] = csv.trimEnd().split('\n');
    const out = predictBlockTask({
      sha256,
      model: text,
      header,
      text: lines.join('\n') + '\n',
      firstRow: 1,
      kinds: { x1: 'number', x2: 'number', color: 'string' },
      predictionColumn: 'prediction',
      probabilityColumns: ['proba_no', 'proba_yes'],
    });
    if (!out.ok) throw new Error(JSON.stringify(out));
    expect(out.rows).to.equal(20);
    const table = parseCsv(`${header},prediction,proba_no,proba_yes\n${out.csv}`);
    const expected = pipeline.predict(parseCsv(csv));
    const col = (name: string): ArrayLike<unknown> => table.columns.find((c) => c.name === name)!.values;
    expect(Array.from(col('prediction'))).to.deep.equal(expected.predictions);
    expect(Array.from(col('label'))).to.deep.equal(Array.from(parseCsv(csv).columns[3].values as ArrayLike<unknown>));
    const pYes = Array.from(col('proba_yes') as Float64Array);
    pYes.forEach((p, i) => expect(p).to.equal(expected.probabilities![i][1]));
  });

  it('writes a block with quoted fields anew, with the same rows and predictions as the plain block', () => {
    const header = 'x1,x2,color,note';
    const text = '1.5,0.2,red,"a, b"\n9,1,"blue","say ""hi""\nthere"\n4,-1,green,plain\n';
    const out = predictBlockTask({
      sha256,
      header,
      text,
      firstRow: 1,
      kinds: { x1: 'number', x2: 'number', color: 'string' },
      predictionColumn: 'prediction',
      probabilityColumns: ['proba_no', 'proba_yes'],
    });
    if (!out.ok) throw new Error(JSON.stringify(out));
    expect(out.rows).to.equal(3);
    const table = parseCsv(`${header},prediction,proba_no,proba_yes\n${out.csv}`);
    const note = table.columns.find((c) => c.name === 'note')!.values;
    expect(Array.from(note as ArrayLike<unknown>)).to.deep.equal(['a, b', 'say "hi"\nthere', 'plain']);
    const records = [{ x1: 1.5, x2: 0.2, color: 'red' }, { x1: 9, x2: 1, color: 'blue' }, { x1: 4, x2: -1, color: 'green' }];
    expect(Array.from(table.columns.find((c) => c.name === 'prediction')!.values as ArrayLike<unknown>)).to.deep.equal(pipeline.predictRecords(records).predictions);
  });

  it('passes unquoted input lines through byte for byte, CRLF and blank lines included', () => {
    const header = 'x1,x2,color';
    const out = predictBlockTask({
      sha256,
      header,
      text: '1.50,0.20,red\r\n\n9,1,blue\r\n',
      firstRow: 1,
      kinds: { x1: 'number', x2: 'number', color: 'string' },
      predictionColumn: 'prediction',
      probabilityColumns: ['proba_no', 'proba_yes'],
    });
    if (!out.ok) throw new Error(JSON.stringify(out));
    const lines = out.csv.split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0].startsWith('1.50,0.20,red,')).to.equal(true);
    expect(lines[1].startsWith('9,1,blue,')).to.equal(true);
    expect(lines[2]).to.equal('');
  });
});
