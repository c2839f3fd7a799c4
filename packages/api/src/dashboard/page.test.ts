import { describe, expect, it } from 'vitest';
import type { Insight } from '../insight/insight.js';
import { reportPage, servedPage } from './page.js';

describe('the dashboard page', () => {
  it('embeds the figures so that no text in them can end the script element early', () => {
    const insight = { latest: [{ subject: 'Fix </script><script>alert(1)</script> and <!-- this' }] } as unknown as Insight;
    const html = reportPage({ script: 'console.log("</script>")', style: 'body{}' }, insight, { repository: 'octo/a</script>' });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const data = /<script type="application\/json" id="coherence-data">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(data)).toEqual({ insight, selection: { repository: 'octo/a</script>' } });
    expect(html).toContain('console.log("<\\/script>")');
  });

  it('forbids the report every request (no connect, no remote script or style), and the served page anything not its own', () => {
    expect(reportPage({ script: '', style: '' }, {} as Insight, {})).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    expect(servedPage()).toContain("connect-src 'self'");
  });
});
