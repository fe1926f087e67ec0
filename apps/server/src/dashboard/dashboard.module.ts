import * as fs from 'node:fs';
import * as path from 'node:path';
import { API_PREFIX, OpsRoutes, WS_PATH } from '@clusterpulse/contracts';
import { Controller, Get, Header, Module, type DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ClusterPulse</title></head>
<body><h1>ClusterPulse</h1><p>dashboard not built: run npm run build</p>
<p>The API is up: <a href="/${API_PREFIX}/kpis">/${API_PREFIX}/kpis</a>.</p></body></html>`;

@Controller()
class DashboardMissingController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return NOT_BUILT_PAGE;
  }
}

/** Serves the built dashboard at `/`, or a page saying how to build it when it is missing. */
@Module({})
export class DashboardModule {
  static forRoot(dashboardDir: string): DynamicModule {
    if (!fs.existsSync(path.join(dashboardDir, 'index.html'))) {
      return { module: DashboardModule, controllers: [DashboardMissingController] };
    }
    return {
      module: DashboardModule,
      imports: [ServeStaticModule.forRoot({ rootPath: dashboardDir, exclude: [`/${API_PREFIX}/{*path}`, `${OpsRoutes.apiDocs}{*path}`, WS_PATH, OpsRoutes.health, OpsRoutes.metrics] })],
    };
  }
}
