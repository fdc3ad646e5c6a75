import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import AdmZip from 'adm-zip';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildPackage,
  ICON_FILES,
  MANIFEST_FOLDER,
  renderManifest,
  settingsFromEnvironment,
  type PackageSettings,
} from '../../manifest/package';
import { drawColorIcon, drawOutlineIcon } from '../../manifest/icons';
import { decodePng, encodePng, readPngHeader } from '../../manifest/png';

const SETTINGS: PackageSettings = {
  botId: '0f3b6a2e-8c1d-4e5f-9a7b-1c2d3e4f5a6b',
  teamsAppId: '7d9e1f20-3a4b-4c5d-8e6f-708192a3b4c5',
};

interface BotEntry {
  botId: string;
  scopes: string[];
  commandLists?: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }>;
}

function template(): string {
  return readFileSync(join(MANIFEST_FOLDER, 'manifest.json'), 'utf8');
}

function renderedManifest(): { id: string; bots: BotEntry[]; icons: { color: string; outline: string } } {
  return JSON.parse(renderManifest(template(), SETTINGS)) as ReturnType<typeof renderedManifest>;
}

function icon(name: string): Buffer {
  return readFileSync(join(MANIFEST_FOLDER, name));
}

describe('Teams app manifest', function () {
  it('passes the bundled Teams v1.22 schema once the placeholders are filled in (offline)', async function () {
    const manifest = JSON.parse(renderManifest(template(), SETTINGS)) as AppManifest;

    const errors = await AppManifestUtils.validateAgainstSchema(manifest);

    assert.deepEqual(errors, []);
  });

  it('puts the bot id and the Teams app id where Teams looks for them', function () {
    const manifest = renderedManifest();

    assert.equal(manifest.id, SETTINGS.teamsAppId);
    assert.equal(manifest.bots.length, 1);
    assert.equal(manifest.bots[0].botId, SETTINGS.botId);
  });

  it('declares the app registration Teams single sign-on exchanges tokens for (api://botid-…)', function () {
    const manifest = renderedManifest() as ReturnType<typeof renderedManifest> & {
      webApplicationInfo?: { id: string; resource: string };
      validDomains?: string[];
    };

    assert.deepEqual(manifest.webApplicationInfo, {
      id: SETTINGS.botId,
      resource: `api://botid-${SETTINGS.botId}`,
    });
    assert.ok(manifest.validDomains?.includes('token.botframework.com'));
  });

  it('offers the bot in personal chats, teams and group chats with the reset, help and sign-out commands', function () {
    const [bot] = renderedManifest().bots;

    assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
    const commands = (bot.commandLists ?? []).flatMap((list) =>
      list.commands.map((command) => command.title),
    );
    assert.deepEqual(commands.sort(), ['help', 'reset', 'sign out']);
  });

  it('refuses a placeholder that nothing fills in', function () {
    assert.throws(
      () => renderManifest('{"id": "${{TEAMS_APP_ID}}", "x": "${{SOMETHING_ELSE}}"}', SETTINGS),
      /\$\{\{SOMETHING_ELSE\}\}/,
    );
  });

  it('names BOT_ID when it is missing or not a GUID, and lets TEAMS_APP_ID default to it', function () {
    assert.throws(() => settingsFromEnvironment({}), /BOT_ID/);
    assert.throws(() => settingsFromEnvironment({ BOT_ID: '28:not-a-guid' }), /BOT_ID/);
    assert.throws(
      () => settingsFromEnvironment({ BOT_ID: SETTINGS.botId, TEAMS_APP_ID: 'x' }),
      /TEAMS_APP_ID/,
    );
    assert.deepEqual(settingsFromEnvironment({ BOT_ID: SETTINGS.botId }), {
      botId: SETTINGS.botId,
      teamsAppId: SETTINGS.botId,
    });
  });

  it('names icon files that exist: a 192×192 colour icon and a 32×32 outline icon', function () {
    const { icons } = renderedManifest();

    assert.deepEqual(
      [icons.color, icons.outline].map((name) => readPngHeader(icon(name))),
      [
        { width: 192, height: 192, bitDepth: 8, colorType: 6 },
        { width: 32, height: 32, bitDepth: 8, colorType: 6 },
      ],
    );
  });

  it('draws the outline icon in white on a transparent background only', function () {
    const { pixels } = decodePng(icon('outline.png'));
    let visible = 0;
    let transparent = 0;
    for (let at = 0; at < pixels.length; at += 4) {
      const [red, green, blue, alpha] = pixels.subarray(at, at + 4);
      if (alpha === 0) transparent += 1;
      else {
        visible += 1;
        assert.deepEqual([red, green, blue], [255, 255, 255], `pixel ${at / 4} is white`);
      }
    }
    assert.ok(
      visible > 0 && transparent > visible,
      `an outline: ${visible} visible, ${transparent} transparent`,
    );
  });

  it('ships the icons that manifest/icons.ts draws (regenerate with node dist/manifest/icons.js)', function () {
    assert.ok(icon('color.png').equals(encodePng(drawColorIcon())), 'color.png is current');
    assert.ok(icon('outline.png').equals(encodePng(drawOutlineIcon())), 'outline.png is current');
  });

  it('packages manifest.json and both icons at the root of the zip, placeholders filled in', function () {
    const zip = new AdmZip(buildPackage(SETTINGS));

    const names = zip.getEntries().map((entry) => entry.entryName);
    assert.deepEqual(names.sort(), ['manifest.json', ...ICON_FILES].sort());
    const packaged = zip.readAsText('manifest.json');
    assert.doesNotMatch(packaged, /\$\{\{/);
    assert.equal((JSON.parse(packaged) as { bots: BotEntry[] }).bots[0].botId, SETTINGS.botId);
    for (const name of ICON_FILES) assert.ok(zip.readFile(name)?.equals(icon(name)), `${name} unchanged`);
  });
});
