export declare const id: "mobilenetv2-ml-upper-clive";
export declare const cardUrl: URL;
export declare const modelUrl: URL;
export declare const modelFp16Url: URL;
